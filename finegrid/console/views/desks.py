"""The home page of each desk: what this role in this area looks at first."""

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from finegrid.cases.states import RUNNING, WITH_UNIT
from finegrid.cases.models import Case, Notice
from finegrid.grid.models import Grid
from finegrid.org.models import Role, Unit
from finegrid.core import exports
from finegrid.core.declared import declared, nav_link_shown

from .. import caselist, timeline
from ..access import desk_required
from .administration import administration_page
from .overview import desk_ranking

S = Case.State
HOME_ROWS = 15
UNIT_ROWS = 100  # the unit desk lists its most urgent cases; the case list has the rest


@desk_required()
def home(request):
    desk = request.desk
    if desk.name == "leader":
        return redirect("console:overview")
    if desk.name == "dispatcher":
        return redirect("console:command")
    if desk.name == "unit":
        return redirect("console:unit_desk")
    if desk.name == "grid_worker":
        return redirect("console:worker")
    if desk.name == "callback":  # 回访: the closed cases, whose reporters it calls back
        return redirect(reverse("console:cases") + "?state=closed")
    if desk.name == "auditor":
        return redirect("console:audit")
    if desk.name == "security":
        return redirect("console:security")
    if desk.name == "supervisor":
        return supervisor(request)
    if desk.name == "admin":
        return administration_page(request)
    if own_desk := _app_desk(desk.roles, request.user):
        return redirect(own_desk)
    return render(request, "console/no_desk.html")


def _app_desk(roles, user) -> str | None:
    """The offices of the other apps (督查室, 信访, 组织部) land on their app's first desk that their
    roles open — the apps declare them as `nav_links` — not on "you have no role"."""
    for entry in declared("nav_links"):
        if entry[2] and nav_link_shown(entry, roles, user):
            return entry[1]
    return None


def _with_deadlines(cases, now):
    return [(case, timeline.deadline(case, now)) for case in cases]


def supervisor(request):
    """值班长: what is overdue or due soon in my area, worst first."""
    now = timezone.now()
    running = request.desk.cases().filter(state__in=RUNNING)
    lists = {"overdue": running.filter(due_at__lt=now), "soon": running.filter(alarm=Case.Alarm.YELLOW, due_at__gte=now),
             "extensions": running.filter(extension_pending=True)}
    fmt, name = request.GET.get("export"), request.GET.get("list")
    if fmt in exports.FORMATS and name in lists:
        return caselist.export(fmt, lists[name], request.desk.viewer, name=f"supervision-{name}")
    overdue, soon, extensions = (lists[name].select_related("unit", "category").order_by("due_at")[:HOME_ROWS]
                                 for name in ("overdue", "soon", "extensions"))
    return render(request, "console/supervisor.html", {
        "overdue": _with_deadlines(overdue, now), "soon": _with_deadlines(soon, now),
        "extensions": _with_deadlines(extensions, now),
    })


@desk_required({Role.HANDLER})
def unit_desk(request):
    """处置部门: my unit's cases by deadline, with the unit's notices and its evaluation."""
    now = timezone.now()
    units = list(Unit.objects.filter(pk__in=request.desk.viewer.units))
    pks = [u.pk for u in units]
    # unit = ?, not unit IN (?): SQLite then takes the (unit, state, due_at) index rather than
    # the plain unit index, which reads every case the unit ever had (700 ms against 40 at 1M).
    of_units = {"unit_id": pks[0]} if len(pks) == 1 else {"unit_id__in": pks}
    mine = (Case.objects.filter(**of_units, state__in=WITH_UNIT | {S.HANDLED})
            .select_related("category").order_by("due_at", "pk"))
    fmt = request.GET.get("export")
    if fmt in exports.FORMATS:
        return caselist.export(fmt, mine, request.desk.viewer, name="unit-cases")
    fresh = list(mine[:UNIT_ROWS])
    by_pk = {unit.pk: unit for unit in units}
    for case in fresh:  # joining the unit too sends SQLite back to the plain unit index
        case.unit = by_pk[case.unit_id]
    notices = Notice.objects.filter(unit__in=units, read_at__isnull=True).order_by("-pk")[:10]
    return render(request, "console/unit_desk.html", {
        "units": units, "cases": _with_deadlines(fresh, now), "notices": notices, "ranking_by": desk_ranking(units),
        "counts": {"dispatched": sum(c.state == S.DISPATCHED for c in fresh),
                   "handling": sum(c.state == S.HANDLING for c in fresh),
                   "overdue": sum(1 for c in fresh if c.due_at and c.due_at < now and c.state != S.HANDLED)},
    })


@desk_required({Role.GRID_WORKER})
def worker(request):
    """网格员 (mobile): my grid, what waits for me on site (核实, 核查), my grid's recent cases."""
    now = timezone.now()
    grids = list(Grid.objects.filter(code__in=request.desk.scope.grid_codes).select_related("community"))
    cases = request.desk.cases()
    tasks = cases.filter(state__in=[S.COLLECTED, S.HANDLED]).select_related("category", "unit").order_by("pk")[:30]
    recent = cases.exclude(state__in=[S.COLLECTED, S.HANDLED]).select_related("category").order_by("-pk")[:10]
    return render(request, "console/worker.html", {
        "grids": grids, "tasks": _with_deadlines(tasks, now), "recent": recent,
    })
