"""The case list and the case page: history, place, photos, related cases, the deadline, and
exactly the actions this person may take now."""

import json
from datetime import timedelta

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from finegrid.cases import dispatch, phones
from finegrid.cases.evidence import file_response
from finegrid.cases.actions import ACTIONS, OPEN
from finegrid.cases.models import Case, Evidence
from finegrid.cases.posted import take_posted
from finegrid.cases.workflow import CASES, Conflict, TransitionError, allowed_actions
from finegrid.org.models import Person, Unit
from finegrid.core import exports
from finegrid.intake.answers import case_answers

from .. import caselist, timeline
from ..access import desk_required
from ..location import NoSuchArea, case_map, correct_location

RELATED_WINDOW = timedelta(days=30)


@desk_required()
def case_list(request):
    filters, bad = caselist.filters_from(request.GET)
    cases = caselist.filtered(request.desk.cases(), filters)
    fmt = request.GET.get("export")
    if fmt in exports.FORMATS:
        return caselist.export(fmt, cases, request.desk.viewer)
    page = _page_number(request)
    rows, more = caselist.page_of(cases, page)
    return render(request, "console/case_list.html", {
        "rows": rows, "page": page, "more": more, "filters": filters, "bad_filters": bad,
        "states": Case.State.choices, "channels": Case.Channel.choices, "query": _query_without_page(request),
    })


def _page_number(request) -> int:
    try:
        return max(1, int(request.GET.get("page", 1)))
    except ValueError:
        return 1


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("export", None)
    return query.urlencode()


def visible_case(request, ticket: str) -> Case:
    case = (request.desk.cases().select_related("category", "unit", "master", "grid", "owner", "rule")
            .filter(ticket=ticket).first())
    if case is None:  # also when it exists outside the scope: do not reveal which tickets exist
        raise Http404
    return case


def countdown_words() -> str:
    """The words console/countdown.js writes, in the page's language (a data attribute, no inline script)."""
    return json.dumps({"d": _("d"), "h": _("h"), "min": _("min"), "overdue": _("overdue by"), "left": _("left")},
                      ensure_ascii=False)


@desk_required()
def case_detail(request, ticket):
    case = visible_case(request, ticket)
    now = timezone.now()
    transitions = list(case.transitions.select_related("unit").order_by("seq"))
    photos = list(case.evidence.order_by("pk"))
    names = dict(Person.objects.filter(user_id__in={t.actor_id for t in transitions if t.actor_id})
                 .values_list("user_id", "full_name"))
    by_transition = {}
    for photo in photos:
        by_transition.setdefault(photo.transition_id, []).append(photo)
    actions = allowed_actions(case, request.user)
    context = {
        "case": case, "story": timeline.story(transitions, names, by_transition), "photos": photos,
        "deadline": timeline.deadline(case, now), "actions": [_action_form(case, act) for act in actions],
        "related": _related(request, case, now), "duplicates": list(case.duplicates.only("ticket", "title", "state")),
        "map": case_map(case), "phone": request.desk.viewer.phone(case), "answers": case_answers(case),
        "can_relocate": bool(request.desk.roles & {"operator", "dispatcher"}),
        "phone_readable": phones.readable(request.desk.viewer, case), "countdown_words": countdown_words(),
        "suggestions": dispatch.suggestions(case) if any(a.name in ("dispatch", "reassign") for a in actions) else [],
        "units": Unit.objects.filter(active=True).only("code", "name").order_by("code")
        if any(a.name in ("dispatch", "reassign") for a in actions) else [],
    }
    return render(request, "console/case_detail.html", context)


def _action_form(case, act) -> dict:
    # The action table says what each action asks for: its required inputs and whether it takes photos.
    return {"act": act, "fields": [i.name for i in act.inputs if i.required], "photos": act.photos}


def _related(request, case, now) -> list[Case]:
    """Open cases of the same category in the same grid lately: likely the same problem."""
    if not case.area_code or case.category_id is None:
        return []
    grid_code = case.area_code[:15]
    return list(request.desk.cases().filter(
        category_id=case.category_id, state__in=OPEN, reported_at__gte=now - RELATED_WINDOW,
        area_code__gte=grid_code, area_code__lte=grid_code.ljust(18, "9"),
    ).exclude(pk=case.pk).order_by("-pk").only("ticket", "title", "state", "reported_at")[:10])


@require_POST
@desk_required(roles=frozenset({"operator", "dispatcher"}))
def case_location(request, ticket):
    """The 指挥中心 puts a case where it really is; the gazetteer learns the place its text names."""
    case = visible_case(request, ticket)
    code = request.POST.get("area_code", "").strip()
    try:
        learned = correct_location(case, code, request.user)
    except NoSuchArea:
        messages.error(request, _("No grid or micro-grid has the code %(code)s.") % {"code": code[:18]})
    else:
        messages.success(request, _("The case is now at %(code)s.") % {"code": code}
                         + (" " + _("The gazetteer now knows %(name)s.") % {"name": learned.name} if learned else ""))
    return redirect("console:case", ticket=case.ticket)


@require_POST
@desk_required()
def case_act(request, ticket, action):
    case = visible_case(request, ticket)
    act = ACTIONS.get(action)
    back = redirect("console:case", ticket=case.ticket)
    if act is None or act.automatic:
        messages.error(request, _("unknown action %(action)s") % {"action": action[:40]})
        return back
    try:
        # The transition row is the audit: the auditor's log reads it (console/audit_log.py).
        take_posted(CASES, case, act, request, evidence=request.FILES.getlist("photos"))
    except Conflict:
        messages.warning(request, _("Someone else changed this case a moment ago. "
                                    "Here it is as it stands now; please check and try again."))
    except TransitionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Done: %(action)s.") % {"action": act.label})
    return back


@desk_required()
def evidence_file(request, ticket, pk):
    """A photo of a case, only to those who may see the case (personal data: faces, plates)."""
    case = visible_case(request, ticket)
    photo = Evidence.objects.filter(case=case, pk=pk).first()
    if photo is None:
        raise Http404
    return serve_evidence(photo)


def serve_evidence(photo: Evidence) -> FileResponse:
    return file_response(photo)


def case_url(case: Case) -> str:
    return reverse("console:case", args=[case.ticket])
