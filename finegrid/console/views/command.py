"""指挥中心: the district map, the live feed, the 立案/派遣 queue and the merge of duplicates."""

from django.apps import apps
from django.contrib import messages
from django.db import transaction
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from finegrid.cases import dispatch
from finegrid.cases.states import RUNNING
from finegrid.cases.effects import accept_blocker
from finegrid.cases.models import Case, Transition
from finegrid.cases.visibility import in_area
from finegrid.cases.workflow import TransitionError, perform
from finegrid.grid.models import Region
from finegrid.org.models import Unit
from finegrid.core import exports
from finegrid.core.basemap import current as current_basemap

from .. import caselist, layers, maps, suggest
from ..access import COMMAND_ROLES, desk_required
from .cases import visible_case
from .triage import back_to

S = Case.State
FEED_ROWS = 12
QUEUE_PAGE = 30
QUEUES = {
    "accept": [S.COLLECTED, S.VERIFIED],  # 立案: reports waiting for an operator
    "dispatch": [S.ACCEPTED],  # 派遣: accepted cases the matrix could not place
}
BULK_ACTIONS = ("accept", "dispatch", "dispatch_suggested", "void")


def _district_code() -> str:
    return Region.objects.filter(level="district").values_list("code", flat=True).first() or ""


def _map_context(request) -> dict:
    code = request.GET.get("area", "") or _district_code()
    if not (code.isascii() and code.isdigit()) or not maps.reaches(request.desk.scope, code):
        code = _district_code()
    measure = request.GET.get("measure") if request.GET.get("measure") in maps.MEASURES else "open"
    return {"map": maps.draw(code, request.desk.cases(), request.desk.scope, measure), "area": code,
            "measure": measure, "trail": maps.trail(code), "ramp": maps.RAMP}


@desk_required(COMMAND_ROLES)
def command(request):
    context = _map_context(request)
    cases = request.desk.cases()
    context["waiting"] = {name: cases.filter(state__in=states).count() for name, states in QUEUES.items()}
    basemap = current_basemap()
    if basemap is not None:  # the district's tiles: the map pans and zooms on them (command_map.js)
        context["base_map"] = layers.page_config(basemap, request.desk.scope, context["measure"])
    return render(request, "console/command.html", context)


@desk_required(COMMAND_ROLES)
def district_map(request):
    """The map alone, for drilling down without reloading the page (htmx)."""
    return render(request, "console/_district_map.html", _map_context(request))


@desk_required()
def feed(request):
    """New cases and deadline alarms, polled by the page every few seconds."""
    cases = request.desk.cases()
    newest = list(cases.select_related("category").order_by("-pk")[:FEED_ROWS])
    alarms = sorted((t for action in ("warn", "escalate") for t in _latest(action, cases)),
                    key=lambda t: t.at, reverse=True)[:FEED_ROWS]
    return render(request, "console/_feed.html", {"newest": newest, "alarms": alarms, "now": timezone.now(),
                                                  "sensor_alarms": _sensor_alarms(request.desk.scope)})


def _sensor_alarms(scope) -> list | None:
    """The newest active sensor alarms in the scope (None without the sensing app)."""
    if not apps.is_installed("finegrid.sensing"):
        return None
    from finegrid.sensing.kinds import COLOURS
    from finegrid.sensing.models import Alarm
    from finegrid.sensing.queries import ACTIVE

    found = list(scope.filter(Alarm.objects.filter(ACTIVE), field="area_code").select_related("site", "device", "sensor")
                 .order_by("-raised_at")[:FEED_ROWS // 2])
    for alarm in found:
        alarm.colour = COLOURS[alarm.severity]  # its text is Alarm.text, in the reader's language
    return found


def _latest(action: str, cases) -> list[Transition]:
    """The newest transitions of one action: one query each walks the (action, at) index backwards
    and stops after FEED_ROWS (with IN (…) the database would sort every alarm ever raised)."""
    rows = Transition.objects.filter(action=action)
    if cases.query.has_filters():  # the whole district needs no join
        rows = rows.filter(case__in=cases)
    return list(rows.select_related("case").order_by("-at")[:FEED_ROWS])


def _queue_cases(request, name: str):
    cases = request.desk.cases().filter(state__in=QUEUES[name])
    query = request.GET
    if query.get("category"):
        cases = cases.filter(category__code__startswith=query["category"])
    area = query.get("area", "")[:18]
    if area.isascii() and area.isdigit():
        cases = cases.filter(in_area(area))
    if query.get("channel"):
        cases = cases.filter(channel=query["channel"])
    if query.get("q"):
        cases = cases.filter(Q(ticket__startswith=query["q"]) | Q(title__icontains=query["q"]))
    return cases


@desk_required(COMMAND_ROLES)
def queue(request, name="dispatch"):
    if name not in QUEUES:
        name = "dispatch"
    cases = _queue_cases(request, name)
    fmt = request.GET.get("export")
    if fmt in exports.FORMATS:
        return caselist.export(fmt, cases, request.desk.viewer, name=f"queue-{name}")
    rows = list(cases.select_related("category").order_by("due_at", "pk")[:QUEUE_PAGE])
    return render(request, "console/queue.html", {
        "name": name, "rows": rows, "channels": Case.Channel.choices, "query": request.GET.urlencode(),
        "units": Unit.objects.filter(active=True).only("code", "name").order_by("code"),
        "streets": Region.objects.filter(level__in=["street", "town"]).order_by("code"),
        "leaves": suggest.leaf_choices() if name == "accept" else (),  # one list for every row's correction
    })


@desk_required(COMMAND_ROLES)
def queue_hint(request, ticket):
    """One queued case's suggestions, loaded lazily by each row: for a report, the insight app's
    category and unit with its confidence; for an accepted case, the units the matrix names;
    and, for both, likely duplicates."""
    case = visible_case(request, ticket)
    duplicates = []
    if case.category_id and case.area_code:
        grid = case.area_code[:15]
        duplicates = list(request.desk.cases().filter(
            category_id=case.category_id, state__in=RUNNING,
            area_code__gte=grid, area_code__lte=grid.ljust(18, "9")).exclude(pk=case.pk)
            .order_by("-pk").only("ticket", "title")[:3])
    context = {"case": case, "duplicates": duplicates, "next": request.GET.get("next", "")}
    if case.state in QUEUES["accept"]:
        suggestion = suggest.for_case(case)
        # A one-click accept is offered only where it would work now (核实 first, a rule to accept by).
        blocked = {"suggested": accept_blocker(case, suggestion.category) if suggestion and suggestion.category else "",
                   "current": accept_blocker(case, case.category) if case.category_id else ""}
        context.update(suggestion=suggestion, topics=suggest.topic_choices(), reporting=True, blocked=blocked,
                       primary=primary_accept(case, suggestion, blocked))
    else:
        context["suggestions"] = dispatch.suggestions(case, limit=3)
    return render(request, "console/_queue_hint.html", context)


SURE_PERCENT = 30  # below it the model's suggestion is offered, not the main button


def primary_accept(case, suggestion, blocked: dict) -> str:
    """Which accept is the queue's main button: "current", the category the case came with (a
    resident or a patrol picked it: in the demo a resident's 暴露生活垃圾 was filed by one click
    under the model's broader 城市建设和市政管理), when it can be accepted as it is; else
    "suggested", the model's, when it is fairly sure; else none (both secondary)."""
    own = case.category_id and not blocked["current"] and (suggestion is None or case.category != suggestion.category)
    if own:
        return "current"
    if suggestion and suggestion.category and not blocked["suggested"] and (
            suggestion.corrected or suggestion.percent >= SURE_PERCENT):
        return "suggested"
    return ""


@require_POST
@desk_required(COMMAND_ROLES)
def queue_bulk(request):
    action = request.POST.get("action")
    tickets = request.POST.getlist("ticket")[:100]
    reason = request.POST.get("reason", "").strip()
    unit = Unit.objects.filter(code=request.POST.get("unit", "")).first()
    if action not in BULK_ACTIONS or not tickets:
        messages.error(request, _("Choose some cases and an action."))
        return back_to(request, "dispatch")
    done, failed = 0, []
    for case in request.desk.cases().filter(ticket__in=tickets).select_related("category", "rule", "unit"):
        try:
            with transaction.atomic():
                _bulk_one(request, case, action, unit, reason)
            done += 1
        except TransitionError as error:
            failed.append(f"{case.ticket}: {error}")
    if done:
        messages.success(request, _("%(n)d cases done.") % {"n": done})
    for line in failed[:10]:
        messages.error(request, line)
    return back_to(request, "dispatch")


def _bulk_one(request, case, action, unit, reason):
    if action == "dispatch_suggested":
        found = dispatch.suggestions(case, limit=1)
        if not found:
            raise TransitionError(_("no unit to suggest"))
        unit, action = found[0].unit, "dispatch"
        reason = reason or found[0].reason
    perform(case, action, request.user, reason=reason, unit=unit)  # audited by its transition row


@desk_required(COMMAND_ROLES)
def merge(request):
    """Two cases side by side; the first may be merged into the second (合并). By default the newer
    report is the duplicate and the older one is kept, with its first report and its clock;
    `?as_given=1` (the page's swap link) keeps the order the tickets were given in."""
    pair = [visible_case(request, t) for t in (request.GET.get("a", ""), request.GET.get("b", "")) if t]
    if len(pair) == 2 and not request.GET.get("as_given"):
        pair.sort(key=lambda case: (case.reported_at, case.pk), reverse=True)
    if request.method == "POST":
        duplicate = visible_case(request, request.POST.get("a", ""))
        master = visible_case(request, request.POST.get("b", ""))
        try:
            with transaction.atomic():
                perform(duplicate, "merge", request.user, reason=request.POST.get("reason", ""),
                        data={"master": master.ticket})
        except TransitionError as error:
            messages.error(request, str(error))
            return redirect(f"{reverse('console:merge')}?a={duplicate.ticket}&b={master.ticket}")
        messages.success(request, _("%(a)s merged into %(b)s.") % {"a": duplicate.ticket, "b": master.ticket})
        return redirect("console:case", ticket=master.ticket)
    return render(request, "console/merge.html", {"pair": pair})
