"""一屏统览: the leader's one screen. Every panel is filled from live data; a panel whose module
has not landed yet says so instead of showing numbers. The slow panels (trend, rankings, hot
topics) are loaded after the page and read their snapshots (see panels.py)."""

from django.apps import apps
from django.db.models import Count
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils import translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from finegrid.cases import evaluation
from finegrid.cases.states import RUNNING
from finegrid.cases.models import Case
from finegrid.core.declared import declared
from finegrid.org.models import Role, Unit
from finegrid.core import exports

from .. import caselist, charts, panels
from ..access import OVERVIEW_ROLES, desk_required

S = Case.State
ALARM_ROWS = 8
PENDING_MODULES = {"key_projects": "finegrid.economy"}  # panel → the app that fills it


@desk_required(OVERVIEW_ROLES)
def overview(request):
    now = timezone.now()
    today = panels.local_midnight(timezone.localdate(now))
    cases = request.desk.cases()
    running = cases.filter(state__in=RUNNING)
    if request.GET.get("list") == "overdue" and request.GET.get("export") in exports.FORMATS:
        return caselist.export(request.GET["export"], running.filter(due_at__lt=now), request.desk.viewer,
                               name="overdue")
    context = {
        "today": _today(cases, today),
        "open": running.count(),
        "overdue_count": running.filter(due_at__lt=now).count(),
        "overdue": running.filter(due_at__lt=now).select_related("unit").order_by("due_at")[:10],
        "alarms": sensor_alarms(request.desk.scope),
        "pending": {panel: not apps.is_installed(app) for panel, app in PENDING_MODULES.items()},
        "app_panels": [{"name": name, "title": title} for name, title, *_ in declared("overview_panels")],
        "now": now,
    }
    return render(request, "console/overview.html", context)


@desk_required(OVERVIEW_ROLES)
def app_panel(request, name: str):
    """A panel an app declares on its AppConfig (`overview_panels`: name, title, the function that
    reads the viewer's desk into the template's context, the template), loaded after the page."""
    found = {panel[0]: panel for panel in declared("overview_panels")}.get(name)
    if found is None:
        raise Http404
    _, title, compute, template = found
    return render(request, template, {"title": title, **import_string(compute)(request.desk)})


def _today(cases, today) -> dict:
    # Every state named, so the (state, reported_at) index serves the range (see evaluation._cohort).
    reported = cases.filter(state__in=S.values, reported_at__gte=today).count()
    return {"reported": reported, "closed": panels.closings(cases).filter(at__gte=today).count()}


def sensor_alarms(scope) -> dict | None:
    """Active sensor alarms in the scope: how many of each colour, and the worst ones (two queries
    on the alarm table's active and (state, severity) indexes). None without the sensing app."""
    if not apps.is_installed("finegrid.sensing"):
        return None
    from finegrid.sensing.kinds import COLOURS, SEVERITY_CHOICES
    from finegrid.sensing.queries import active_alarms

    active = scope.filter(active_alarms(), field="area_code")
    counts = dict(active.order_by().values_list("severity").annotate(n=Count("id")))
    levels = [{"level": level, "label": label, "colour": COLOURS[level], "n": counts.get(level, 0)}
              for level, label in reversed(SEVERITY_CHOICES)]
    worst = list(active[:ALARM_ROWS])
    for alarm in worst:
        alarm.colour = COLOURS[alarm.severity]  # its text is Alarm.text, in the reader's language
    return {"levels": levels, "total": sum(counts.values()), "worst": worst}


def _snapshot_response(request, name: str, key: str, template: str, context):
    """Render a slow panel from its snapshot; recompute it after responding when it is old."""
    now = timezone.now()
    snapshot, refresh = panels.read(name, key, now)
    query = request.GET.copy()
    query.pop("passive", None)  # the pending panel's own retries add it back, once
    response = render(request, template, {**context(snapshot.data if snapshot else None),
                                          "computed_at": snapshot.computed_at if snapshot else None,
                                          "panel_url": f"{request.path}?{query.urlencode()}"})
    return panels.refresh_after(response, name, key) if refresh else response


@desk_required(OVERVIEW_ROLES)
def trend(request):
    """Reported and closed per day, last 30 days, of the cases this person sees."""
    def context(data):
        if data is None:
            return {"trend": None}
        return {"trend": charts.trend(data["days"], [
            charts.Series(_("Reported"), "#4e79a7", data["reported"]),
            charts.Series(_("Closed"), "#59a14f", data["closed"])])}

    key = panels.area_key(request.desk.viewer, request.desk.scope)
    return _snapshot_response(request, "trend", key, "console/_trend.html", context)


def _month(request) -> str:
    month = request.GET.get("month") or timezone.localtime().strftime("%Y-%m")
    try:
        evaluation.period_bounds(month)
    except ValueError:
        raise Http404
    return month


RANKED_ROWS = 12  # the bars shown; a viewer's own unit or street is added below them
UNRANKED_NAMED = 8  # the units with too few cases, named with their count under the bars


@desk_required(OVERVIEW_ROLES | {Role.HANDLER})
def ranking(request, by):
    """The evaluation ranking (以实绩论英雄) of streets or units, loaded after the page (the leader's
    overview, and the unit desk, where a handler's own unit or street is marked): the last 30 days
    with a minimum count (panels.ROLLING), or a calendar month with `?month=`; `?export=xlsx|csv`
    downloads the full table with every indicator for a month, to the overview's readers."""
    by = by if by in ("street", "unit") else "street"
    reader = bool(request.desk.viewer.roles & OVERVIEW_ROLES)
    if request.GET.get("export") in exports.FORMATS:
        if not reader:  # a handler sees the panel, not every unit's table
            raise Http404
        return ranking_export(request, by, _month(request))
    period = _month(request) if request.GET.get("month") else panels.ROLLING
    scope = request.desk.scope
    mine = _own_keys(request.desk.viewer, by)

    def context(data):
        if data is None:
            return {"rows": None, "by": by, "period": period}
        every = data["rows"]
        rows = [r for r in every if by == "unit" or scope.whole_district or scope.covers_code(r["key"])
                or r["key"] in mine]
        ranked = [r for r in rows if r["rank"] is not None]
        shown = [r for r in ranked if r["rank"] <= RANKED_ROWS or r["key"] in mine]
        chart = charts.bars([(f"{r['rank']}. {r['name']}", r["score"]) for r in shown], scale_max=100)
        for item, row in zip(chart["items"], shown):
            item["n"] = row["reported"]
        return {"by": by, "period": period, "rolling": period == panels.ROLLING, "chart": chart, "rows": shown,
                "own": [r for r in every if r["key"] in mine], "total": sum(r["rank"] is not None for r in every),
                "unranked": [r for r in rows if r["rank"] is None][:UNRANKED_NAMED], "min_cases": data.get("min_cases", 0),
                "start": data.get("start"), "end": data.get("end"), "month": _month(request), "reader": reader}

    return _snapshot_response(request, "ranking", f"{by}:{period}", "console/_ranking.html", context)


def _own_keys(viewer, by: str) -> set[str]:
    """The ranking keys that are the viewer's own: their units' codes, or the areas their street
    offices govern (a street's handler finds their street among the streets)."""
    units = Unit.objects.filter(pk__in=viewer.units)
    if by == "unit":
        return set(units.values_list("code", flat=True))
    return set(units.filter(kind=Unit.Kind.STREET, region__isnull=False).values_list("region__code", flat=True))


def desk_ranking(units) -> str:
    """Which ranking a unit desk shows: the streets' when every unit of the desk is a street office."""
    return "street" if units and all(u.kind == Unit.Kind.STREET and u.region_id for u in units) else "unit"


def ranking_export(request, by: str, month: str):
    """Every unit or street of the month with its counts, indicators, score and rank, as the
    evaluation computes it now (a download may take a few seconds; the panel reads a snapshot)."""
    start, end = evaluation.period_bounds(month)
    rows = evaluation.evaluate(start, end, by=by)
    scope = request.desk.scope
    if by == "street" and not scope.whole_district:
        rows = [row for row in rows if scope.covers_code(row.key)]
    indicators = evaluation.indicators_for(by)
    header = [_("Rank"), _("Code"), _("Name"), _("Score"), _("Cases reported"),
              *[f"{_indicator_title(ind)} (%)" for ind in indicators]]
    lines = ([row.rank, row.key, row.name, _rounded(row.score), row.counts.get("reported", 0),
              *[_percent(row.values.get(ind.key)) for ind in indicators]] for row in rows)
    return exports.respond(request.GET["export"], f"ranking-{by}-{month}", header, lines)


def _indicator_title(ind) -> str:
    """The indicator's name in the active language; the standard's own term (立案率 …) in Chinese
    while the catalogues lack its English label, as `finegrid report evaluation` writes it."""
    text = str(ind.label)
    with translation.override("en"):
        untranslated = text == str(ind.label)
    return ind.term if untranslated and translation.get_language().startswith("zh") else text


def _rounded(value):
    return None if value is None else round(value, 1)


def _percent(value):
    return None if value is None else round(value * 100, 1)


@desk_required(OVERVIEW_ROLES)
def hot_topics(request):
    """The month's hot issues and emerging terms (insight), district-wide readers only, as the
    insight app's own report page."""
    month = _month(request)
    if not apps.is_installed("finegrid.insight"):
        return render(request, "console/_topics.html", {"pending": True})
    if not request.desk.scope.whole_district:
        return render(request, "console/_topics.html", {"district_only": True})
    return _snapshot_response(request, "topics", month, "console/_topics.html",
                              lambda data: {"topics": data, "month": month})
