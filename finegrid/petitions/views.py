"""The petition office's desk, a petition's page, a unit's inbox, the leaders' 包案 page, the
reception days, the export, and the petitioner's own tracking page. Each view keeps one order:
who → what was sent → the engine → the page."""

from functools import wraps

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from finegrid.cases.machine import TransitionError
from finegrid.cases.posted import take_posted
from finegrid.org.models import Role, RoleAssignment, Unit
from finegrid.org.privacy import mask_phone

from . import access, exports, linking
from .documents import as_docx
from .engine import OPEN_STATES, PETITIONS, ROUTES
from .identity import normal_phone
from .leader_cases import LEADER_CASES, lag_days, take_in_charge
from .models import Appointment, LeaderCase, Link, Petition, Petitioner, ReceptionDay
from .registration import RegistrationError, Submission, register
from .rules import LOCAL

DEFAULTED = ("id_type", "level")  # left empty: the submission's default
TRACK_TRIES = 5  # wrong number/phone pairs per address in ten minutes, as the residents' tracking page
FORM_FIELDS = ("channel", "matter", "demand", "name", "id_type", "id_number", "phone", "address", "kind", "field",
               "area_code", "level")


def needs(*roles):
    """Signed in and holding one of `roles`, else 404 (a stranger does not learn which pages exist)."""
    def decorate(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            request.roles = access.roles_of(request.user)
            if not request.roles & set(roles):
                raise Http404
            return view(request, *args, **kwargs)
        return wrapped
    return decorate


def _petition(request, number) -> Petition:
    found = access.visible_petitions(request.user).select_related("unit", "petitioner", "leader").filter(
        number=number).first()
    if found is None:
        raise Http404
    return found


# ── the petition office ──────────────────────────────────────────────────────────────────────


@needs(Role.PETITION_OFFICE)
@require_http_methods(["GET", "POST"])
def desk(request):
    problem, form = None, {}
    if request.method == "POST":
        form = {name: request.POST.get(name, "").strip() for name in FORM_FIELDS}
        given = {name: value for name, value in form.items() if value or name not in DEFAULTED}
        sub = Submission(**given, anonymous=request.POST.get("anonymous") == "on")
        try:
            petition = register(sub, request.user, now=timezone.now())
            return redirect("petitions:petition", number=petition.number)
        except RegistrationError as error:
            problem = error
    open_rows = Petition.objects.filter(state__in=OPEN_STATES)
    # due_at is set only while the office's clock runs: walking its index gives the next deadlines first.
    running = Petition.objects.filter(due_at__isnull=False).select_related("unit").order_by("due_at", "pk")
    context = {
        "problem": problem, "form": form, "channels": Petition.Channel.choices, "kinds": Petition.Kind.choices,
        "levels": Petition.Level.choices, "id_types": Petitioner.IdType.choices,
        "open": running[:50], "open_count": open_rows.count(), "red_count": Petition.objects.filter(alarm="red").count(),
        "links": Link.objects.filter(state=Link.State.PROPOSED).select_related("petition").order_by("-pk")[:20],
        "leader_cases": _board(), "now": timezone.now(),
    }
    return render(request, "petitions/desk.html", context, status=400 if problem else 200)


def _board():
    rows = LeaderCase.objects.select_related("petition", "leader").order_by("state", "-alarm", "pk")[:100]
    now = timezone.now()
    return [{"case": c, "lag": lag_days(c, now), "done": sum(1 for i in c.plan if i.get("done"))} for c in rows]


@needs(Role.PETITION_OFFICE, Role.LEADER, Role.HANDLER)
def petition(request, number):
    found = _petition(request, number)
    rows = [(row, PETITIONS.actions[row.action].label) for row in found.transitions.order_by("seq")]
    actions = [(act, [(item, INPUT_LABELS.get(item.name, item.name), INPUT_CHOICES.get(item.name)) for item in act.inputs])
               for act in PETITIONS.allowed(found, request.user)]
    context = {
        "petition": found, "person": access.identity(found, request.user), "rows": rows, "actions": actions,
        "units": Unit.objects.order_by("code"),
        "links": found.links.order_by("-similarity") if Role.PETITION_OFFICE in request.roles else [],
        "counts": linking.matter_counts([found.first_id or found.pk]).get(found.first_id or found.pk, {}),
        "leaders": _leaders() if Role.PETITION_OFFICE in request.roles and not hasattr(found, "leader_case") else [],
    }
    return render(request, "petitions/petition.html", context)


def _leaders():
    users = RoleAssignment.objects.filter(role=Role.LEADER).values_list("user", flat=True)
    return get_user_model().objects.filter(pk__in=users).order_by("username")


INPUT_CHOICES = {"kind": [(kind, Petition.Kind(kind).label) for kind in ROUTES],
                 "to": [(to, to) for ways in ROUTES.values() for to in ways],
                 "rating": [(3, "3"), (2, "2"), (1, "1")]}
INPUT_LABELS = {"opinion": gettext_lazy("opinion"), "to": gettext_lazy("where it goes"), "kind": gettext_lazy("class"),
                "days": gettext_lazy("days (at most 30)"), "approved_by": gettext_lazy("approved by"),
                "instead": gettext_lazy("where to go instead"), "rating": gettext_lazy("rating: 1, 2 or 3")}


@needs(Role.PETITION_OFFICE, Role.HANDLER)
@require_POST
def act(request, number, action):
    found = _petition(request, number)
    spec = PETITIONS.actions.get(action)
    try:
        if spec is None or spec.automatic:
            raise TransitionError(_("unknown action %(action)s") % {"action": action[:40]})
        take_posted(PETITIONS, found, spec, request)
    except TransitionError as error:
        return render(request, "petitions/refused.html", {"petition": found, "problem": error}, status=409)
    return redirect("petitions:petition", number=number)


@needs(Role.PETITION_OFFICE, Role.LEADER, Role.HANDLER)
def document(request, number, seq):
    found = _petition(request, number)
    row = found.transitions.filter(seq=seq).first()
    if row is None or "document" not in row.data:
        raise Http404
    answer = HttpResponse(as_docx(row.data["document"]),
                          content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    answer["Content-Disposition"] = f'attachment; filename="{row.data["document"]["number"]}.docx"'
    return answer


@needs(Role.PETITION_OFFICE)
@require_POST
def decide_link(request, pk, decision):
    link = Link.objects.filter(pk=pk, state=Link.State.PROPOSED).select_related("petition").first()
    if link is None or decision not in ("confirm", "reject"):
        raise Http404
    linking.decide(link, request.user, decision == "confirm", timezone.now())
    return redirect("petitions:petition", number=link.petition.number)


@needs(Role.PETITION_OFFICE)
@require_POST
def take_charge(request, number):
    found = _petition(request, number)
    leader = _leaders().filter(pk=request.POST.get("leader") or 0).first()
    if leader is None or hasattr(found, "leader_case"):
        return render(request, "petitions/refused.html", {"petition": found, "problem": _("choose a leader")},
                      status=409)
    take_in_charge(found, leader, now=timezone.now(), actor=request.user)
    return redirect("petitions:leader_cases")


@needs(Role.PETITION_OFFICE)
def export(request):
    answer = HttpResponse(exports.national_xlsx(Petition.objects.order_by("registered_at")),
                          content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    answer["Content-Disposition"] = 'attachment; filename="petitions.xlsx"'
    return answer


# ── a unit's inbox, the leaders' 包案 ───────────────────────────────────────────────────────


@needs(Role.HANDLER)
def inbox(request):
    units = access.units_of(request.user)
    rows = Petition.objects.filter(unit__in=units, state__in=OPEN_STATES).order_by("due_at", "pk")
    return render(request, "petitions/inbox.html", {"rows": rows[:100], "units": Unit.objects.filter(pk__in=units)})


@needs(Role.LEADER, Role.PETITION_OFFICE)
def leader_cases(request):
    """Every 包案 and its state (the district's leaders see them all); the owner's forms on their own."""
    return render(request, "petitions/leader_cases.html", {"board": _board(), "me": request.user.pk})


@needs(Role.LEADER, Role.PETITION_OFFICE)
@require_POST
def leader_case_act(request, pk, action):
    case = LeaderCase.objects.select_related("petition").filter(pk=pk).first()
    if case is None:
        raise Http404
    data = {}
    if action == "progress":
        data = {"note": request.POST.get("note", ""),
                "done": [int(i) for i in request.POST.getlist("done") if i.isdigit()]}
    elif action == "plan":
        data = {"plan": _plan_of(request.POST)}
    try:
        LEADER_CASES.perform(case, action, request.user, reason=request.POST.get("reason", ""), data=data)
    except TransitionError as error:
        return render(request, "petitions/refused.html", {"petition": case.petition, "problem": error}, status=409)
    return redirect("petitions:leader_cases")


def _plan_of(post) -> list:
    steps = zip(post.getlist("what"), post.getlist("who"), post.getlist("by"))
    return [{"what": what.strip(), "who": who.strip(), "by": by.strip(), "done": False}
            for what, who, by in steps if what.strip()]


# ── 接访: reception days and appointments ───────────────────────────────────────────────────


@needs(Role.PETITION_OFFICE, Role.LEADER)
@require_http_methods(["GET", "POST"])
def reception(request):
    problem = ""
    if request.method == "POST" and Role.PETITION_OFFICE in request.roles:
        problem = _reception_post(request)
        if not problem:
            return redirect("petitions:reception")
    days = ReceptionDay.objects.select_related("leader").prefetch_related("appointments").order_by("-starts_at")[:30]
    return render(request, "petitions/reception.html", {"days": days, "leaders": _leaders(), "problem": problem},
                  status=400 if problem else 200)


def _reception_post(request) -> str:
    from django.utils.dateparse import parse_datetime

    post = request.POST
    if post.get("what") == "day":
        leader, starts = _leaders().filter(pk=post.get("leader") or 0).first(), parse_datetime(post.get("starts_at", ""))
        if not leader or not starts or not post.get("place", "").strip():
            return _("A reception day needs a leader, a time and a place.")
        ReceptionDay.objects.create(leader=leader, starts_at=timezone.make_aware(starts, LOCAL) if timezone.is_naive(starts)
                                    else starts, place=post["place"].strip(), topic=post.get("topic", "").strip())
        return ""
    day = ReceptionDay.objects.filter(pk=post.get("day") or 0).first()
    if post.get("what") == "appointment" and day and post.get("name", "").strip() and post.get("matter", "").strip():
        Appointment.objects.create(day=day, name=post["name"].strip(), phone=normal_phone(post.get("phone", "")),
                                   matter=post["matter"].strip()[:200])
        return ""
    visit = Appointment.objects.filter(pk=post.get("appointment") or 0).first()
    if post.get("what") == "received" and visit:
        visit.received_at, visit.outcome = timezone.now(), post.get("outcome", "").strip()
        visit.petition = Petition.objects.filter(number=post.get("petition", "").strip()).first()
        visit.save(update_fields=["received_at", "outcome", "petition"])
        return ""
    return _("Fill in every field of the form.")


# ── the petitioner's own page ───────────────────────────────────────────────────────────────


@require_http_methods(["GET", "POST"])
def track(request):
    """By number and phone, as residents track cases; once found, the petitioner may rate the answer."""
    problem, found = "", None
    if request.method == "POST" and "rating" in request.POST:
        found, problem = _rate(request)
    elif request.method == "POST":
        address = request.META.get("REMOTE_ADDR", "")
        tries = cache.get(f"petitions-track:{address}", 0)
        if tries >= TRACK_TRIES:
            problem = _("Too many tries. Wait ten minutes and try again.")
        else:
            found = _tracked(request.POST.get("number", ""), request.POST.get("phone", ""))
            if found is None:
                cache.set(f"petitions-track:{address}", tries + 1, 600)
                problem = _("No petition has this number with this phone number.")
            else:
                request.session["petitions_tracked"] = [*request.session.get("petitions_tracked", [])[-9:], found.number]
    steps = found.transitions.exclude(action__in=["warn", "escalate"]).order_by("seq") if found else []
    can_rate = bool(found and found.rating is None and found.state in RATEABLE)
    return render(request, "petitions/track.html", {"problem": problem, "petition": found, "steps": steps,
                                                    "phone": mask_phone(found.petitioner.phone) if found else "",
                                                    "can_rate": can_rate}, status=400 if problem else 200)


RATEABLE = {Petition.State.ANSWERED, Petition.State.REVIEWED, Petition.State.CONCLUDED}


def _rate(request) -> tuple:
    """The petitioner's own rating (群众满意率), only in the session that found the petition."""
    number = request.POST.get("number", "")
    found = Petition.objects.select_related("petitioner").filter(number=number).first()
    if found is None or number not in request.session.get("petitions_tracked", []):
        return None, _("Look the petition up first.")
    rating = request.POST.get("rating", "")
    try:
        PETITIONS.perform(found, "rate", None, data={"rating": int(rating) if rating in ("1", "2", "3") else rating})
    except TransitionError as error:
        return found, str(error)
    return found, ""


def _tracked(number: str, phone: str) -> Petition | None:
    phone = normal_phone(phone)
    if len(phone) < 7:
        return None
    found = Petition.objects.select_related("petitioner").filter(number=number.strip().upper()).first()
    return found if found and found.petitioner and found.petitioner.phone == phone else None


