"""The cadre records (干部档案) as the organisation department and a cadre's own leader keep them:
平时考核 per quarter, 年度 per year, the 胜任力 review (dimensions and raters the organisation
department defines; each rater's scores, averaged with their count shown) and the 三项机制 cases
(容错纠错, 能上能下, 激励关怀) with their decision and evidence files. Nobody else reads or writes
them; every read of a record or a file is audited, and so is every entry."""

import re

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from finegrid.cases.evidence import EvidenceError, check_file, check_total, stored_file
from finegrid.core.csp import UPLOAD_POLICY
from finegrid.core.models import audit
from finegrid.org.models import Role

from .access import Access
from .models import CadreEvidence, CadreRecord, CompetenceDimension, CompetenceRater, KeyTask

K = CadreRecord.Kind
RATINGS = {K.QUARTERLY: ("好", "较好", "一般", "较差"), K.ANNUAL: ("优秀", "称职", "基本称职", "不称职")}
CASES = (K.TOLERANCE, K.MOBILITY, K.CARE)  # 三项机制
PERIOD = {K.QUARTERLY: re.compile(r"^20\d\d-Q[1-4]$")}
YEAR = re.compile(r"^20\d\d$")
# Cadres are the leaders and the people who act for units and offices: never residents or the 三员.
CADRE_ROLES = (Role.LEADER, Role.HANDLER, Role.SUPERVISOR, Role.SUPERVISION_OFFICE, Role.PETITION_OFFICE,
               Role.ORGANISATION, Role.DISPATCHER, Role.OPERATOR)


def name_of(user) -> str:
    person = getattr(user, "person", None)
    return person.full_name if person is not None and person.full_name else user.username


def cadres_for(access: Access):
    """Whose records the reader may open: any cadre for the organisation department; for a leader,
    the cadres whose records name them as their leader."""
    users = get_user_model().objects.filter(is_active=True).select_related("person")
    if Role.ORGANISATION in access.roles:
        return users.filter(roles__role__in=CADRE_ROLES).distinct()
    if access.leader:
        return users.filter(pk__in=CadreRecord.objects.filter(superior=access.user).values("cadre"))
    return users.none()


def cadre_or_404(access: Access, user_id: int):
    cadre = cadres_for(access).filter(pk=user_id).first()
    if cadre is None:
        raise Http404
    return cadre


def competence_table(records) -> list[dict]:
    """Each 胜任力 review: per dimension, every rater's score, the average and how many rated."""
    found = []
    for record in records:
        rows = []
        for dimension, raters in record.scores.items():
            values = [float(v) for v in raters.values() if v is not None]
            rows.append({"dimension": dimension, "raters": raters, "n": len(values),
                         "mean": round(sum(values) / len(values), 1) if values else None})
        found.append({"record": record, "rows": rows})
    return found


@require_GET
@login_required
def cadre(request, user_id):
    access = Access.of(request.user)
    if not access.evaluation:
        raise PermissionDenied
    person = cadre_or_404(access, user_id)
    records = list(access.cadre_records().filter(cadre=person).select_related("superior__person", "recorded_by")
                   .prefetch_related("files"))
    audit("tasks.cadre.read", target=f"user:{user_id}", actor=request.user, records=len(records))
    led = KeyTask.objects.filter(leader_id=user_id).select_related("unit") | \
        KeyTask.objects.filter(owner_id=user_id).select_related("unit")
    kinds = {kind: [r for r in records if r.kind == kind] for kind in K.values}
    return render(request, "tasks/cadre.html", {
        "cadre": person, "name": name_of(person), "records": records, "led": (led := list(led.distinct()[:200])),
        # A task is a link only for who may open it: the organisation department reads the list
        # (state, progress, alarm), not the tasks' pages, which are the 督查室's and the units'.
        "openable": set(access.tasks().filter(pk__in=[t.pk for t in led]).values_list("pk", flat=True)),
        "quarterly": kinds[K.QUARTERLY], "annual": kinds[K.ANNUAL],
        "competence": competence_table(kinds[K.COMPETENCE]), "cases": [r for r in records if r.kind in CASES],
        "case_kinds": [(k, K(k).label) for k in CASES], "ratings": RATINGS, "K": K,
        "dimensions": CompetenceDimension.objects.filter(active=True),
        "raters": CompetenceRater.objects.filter(active=True),
        "organisation": Role.ORGANISATION in access.roles,
        "leaders": get_user_model().objects.filter(roles__role=Role.LEADER, is_active=True)
        .select_related("person").distinct(),
    })


class Refused(ValueError):
    pass


def _period(kind: str, text: str) -> str:
    text = text.strip().upper()
    pattern = PERIOD.get(kind, YEAR)
    if not pattern.match(text):
        raise Refused(_("a quarter is written 2026-Q3, a year 2026") if kind == K.QUARTERLY else
                      _("a year is written 2026"))
    return text


def _superior(access, post):
    """The organisation department names the cadre's leader; a leader writing is that leader."""
    if Role.ORGANISATION not in access.roles:
        return access.user
    pk = post.get("superior", "")
    found = get_user_model().objects.filter(pk=int(pk), roles__role=Role.LEADER).first() if pk.isdigit() else None
    if pk and found is None:
        raise Refused(_("the cadre's leader is one of the leaders"))
    return found


def _competence(post, record: CadreRecord | None) -> dict:
    rater = CompetenceRater.objects.filter(pk=int(post["rater"]) if post.get("rater", "").isdigit() else 0,
                                           active=True).first()
    if rater is None:
        raise Refused(_("choose who rates"))
    scores = dict(record.scores) if record else {}
    given = 0
    for dimension in CompetenceDimension.objects.filter(active=True):
        text = post.get(f"score_{dimension.pk}", "").strip()
        if not text:
            continue
        try:
            value = float(text)
            assert 0 <= value <= 100
        except (ValueError, AssertionError):
            raise Refused(_("a score is a number from 0 to 100: %(dimension)s") % {"dimension": dimension.name})
        scores.setdefault(dimension.name, {})[rater.name] = value
        given += 1
    if not given:
        raise Refused(_("give at least one dimension's score"))
    return scores


@require_POST
@login_required
def new_record(request, user_id):
    """One entry: a quarter's or a year's rating, one rater's 胜任力 scores (added to the year's
    review), or a 三项机制 case with its decision and files."""
    access = Access.of(request.user)
    if not access.evaluation:
        raise PermissionDenied
    person, post, now = cadre_or_404(access, user_id), request.POST, timezone.now()
    kind = post.get("kind", "")
    uploads = request.FILES.getlist("evidence")
    try:
        if kind not in K.values:
            raise Refused(_("choose the kind of record"))
        period, superior = _period(kind, post.get("period", "")), _superior(access, post)
        rating = post.get("rating", "").strip()
        if kind in RATINGS and rating not in RATINGS[kind]:
            raise Refused(_("the rating is one of %(ratings)s") % {"ratings": "、".join(RATINGS[kind])})
        decision = post.get("decision", "").strip()[:4000]
        if kind in CASES and not decision:
            raise Refused(_("a 三项机制 case needs its decision"))
        for upload in uploads:
            check_file(upload)
        check_total(uploads)
        with transaction.atomic():
            record = _write(access, person, kind, period, superior, rating, decision, post, now)
            for upload in uploads:
                CadreEvidence.objects.create(record=record, **stored_file(upload))
            audit("tasks.cadre.write", target=f"user:{user_id}", actor=request.user, kind=kind, period=period,
                  files=len(uploads))
    except (Refused, EvidenceError) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Recorded."))
    return redirect("tasks:cadre", user_id=person.pk)


def _write(access, person, kind, period, superior, rating, decision, post, now) -> CadreRecord:
    if kind == K.COMPETENCE:  # the year's review gathers every rater's scores
        record = access.cadre_records().select_for_update().filter(cadre=person, kind=kind, period=period).first()
        scores = _competence(post, record)
        if record is not None:
            record.scores, record.recorded_at, record.recorded_by = scores, now, access.user
            record.save(update_fields=["scores", "recorded_at", "recorded_by"])
            return record
        return CadreRecord.objects.create(cadre=person, superior=superior, kind=kind, period=period, scores=scores,
                                          recorded_at=now, recorded_by=access.user)
    return CadreRecord.objects.create(cadre=person, superior=superior, kind=kind, period=period, rating=rating,
                                      decision=decision, evidence=post.get("evidence_note", "").strip()[:2000],
                                      recorded_at=now, recorded_by=access.user)


@require_GET
@login_required
def record_file(request, user_id, pk):
    access = Access.of(request.user)
    if not access.evaluation:
        raise PermissionDenied
    found = CadreEvidence.objects.filter(pk=pk, record__in=access.cadre_records().filter(cadre_id=user_id)).first()
    if found is None:
        raise Http404
    audit("tasks.cadre.file_read", target=f"user:{user_id}", actor=request.user, file=found.pk)
    inline = found.content_type.startswith("image/")
    response = FileResponse(found.file.open("rb"), content_type=found.content_type, as_attachment=not inline,
                            filename=f"cadre-{found.pk}.{found.file.name.rsplit('.', 1)[-1]}")
    response["Content-Security-Policy"] = UPLOAD_POLICY
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def competence(request):
    """The organisation department defines the review's dimensions and raters (add or retire one)."""
    access = Access.of(request.user)
    if Role.ORGANISATION not in access.roles:
        raise PermissionDenied
    if request.method == "POST":
        model = {"dimension": CompetenceDimension, "rater": CompetenceRater}.get(request.POST.get("what", ""))
        name = request.POST.get("name", "").strip()[:50]
        if model is None or not name:
            messages.error(request, _("give a name"))
        elif request.POST.get("retire"):
            model.objects.filter(name=name).update(active=False)
        else:
            model.objects.update_or_create(name=name, defaults={"active": True,
                                                                "order": model.objects.count() + 1})
        if model is not None and name:
            audit("tasks.competence.define", target=f"{request.POST['what']}:{name}", actor=request.user,
                  retired=bool(request.POST.get("retire")))
        return redirect("tasks:competence")
    return render(request, "tasks/competence.html", {"dimensions": CompetenceDimension.objects.all(),
                                                      "raters": CompetenceRater.objects.all()})
