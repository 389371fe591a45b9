"""一屏统览: the leader's one screen. Every panel is filled from live data; a panel whose module
has not landed yet says so instead of showing numbers."""

from datetime import datetime, time, timedelta

from django.apps import apps
from django.core.cache import cache
from django.db.models import Count, Q
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from finegrid.cases import evaluation
from finegrid.cases.actions import OPEN
from finegrid.cases.models import Case, Transition
from finegrid.org.models import Unit

from .. import charts
from ..access import OVERVIEW_ROLES, desk_required

S = Case.State
TREND_DAYS = 30
TREND_CACHE = 300  # seconds: the 30-day trend moves slowly; its panel is recounted at most this often
RANKING_CACHE = 600  # seconds: the ranking is a month's cohort, recounted at most this often
PENDING_MODULES = {  # panel → the app that fills it
    "hot_topics": "finegrid.insight", "sensor_alarms": "finegrid.sensing", "key_projects": "finegrid.economy",
}


def _local_midnight(day) -> datetime:
    return datetime.combine(day, time.min, timezone.get_default_timezone())


@desk_required(OVERVIEW_ROLES)
def overview(request):
    now = timezone.now()
    today = _local_midnight(timezone.localdate(now))
    cases = request.desk.cases()
    running = cases.filter(state__in=OPEN - {S.PARKED})
    context = {
        "today": _today(cases, today),
        "open": running.count(),
        "overdue_count": running.filter(due_at__lt=now).count(),
        "overdue": running.filter(due_at__lt=now).select_related("unit").order_by("due_at")[:10],
        "pending": {panel: not apps.is_installed(app) for panel, app in PENDING_MODULES.items()},
        "now": now,
    }
    return render(request, "console/overview.html", context)


def _today(cases, today) -> dict:
    # Every state named, so the (state, reported_at) index serves the range (see evaluation._cohort).
    reported = cases.filter(state__in=S.values, reported_at__gte=today).count()
    return {"reported": reported, "closed": _closings(cases).filter(at__gte=today).count()}


def _closings(cases):
    """结案 transitions (the (action, at) index), of the cases this user sees."""
    closings = Transition.objects.filter(action="close")
    # The whole district needs no join: the index range alone counts them.
    return closings.filter(case__in=cases) if cases.query.has_filters() else closings


@desk_required(OVERVIEW_ROLES)
def trend(request):
    """Reported and closed per day, last 30 days: two queries of one COUNT … FILTER per day."""
    today = _local_midnight(timezone.localdate())
    scope = request.desk.scope
    key = f"console:trend:{today:%Y%m%d}:{hash((scope.whole_district, scope.code_prefixes, scope.grid_codes))}"
    chart = cache.get(key)
    if chart is None:
        chart = _trend(request.desk.cases(), today)
        cache.set(key, chart, TREND_CACHE)
    return render(request, "console/_trend.html", {"trend": chart})


def _trend(cases, today) -> dict:
    start = today - timedelta(days=TREND_DAYS - 1)
    days = [start + timedelta(days=i) for i in range(TREND_DAYS)]
    reported = _per_day(cases.filter(state__in=S.values, reported_at__gte=start), "reported_at", days)
    closed = _per_day(_closings(cases).filter(at__gte=start), "at", days)
    return charts.trend([d.strftime("%m-%d") for d in days], [
        charts.Series(_("Reported"), "#4e79a7", reported), charts.Series(_("Closed"), "#59a14f", closed),
    ])


def _per_day(rows, field: str, days: list) -> list[int]:
    """One pass over the range: a COUNT with a FILTER per day, no date function per row."""
    counts = {f"d{i}": Count("pk", filter=Q(**{f"{field}__gte": day, f"{field}__lt": day + timedelta(days=1)}))
              for i, day in enumerate(days)}
    figures = rows.aggregate(**counts)
    return [figures[f"d{i}"] for i in range(len(days))]


@desk_required(OVERVIEW_ROLES)
def ranking(request, by):
    """The evaluation ranking (以实绩论英雄) of streets or units this month, loaded after the page."""
    by = by if by in ("street", "unit") else "street"
    now = timezone.now()
    month = timezone.localtime(now).strftime("%Y-%m")
    key = f"console:ranking:{by}:{month}"
    rows = cache.get(key)
    if rows is None:
        start, end = evaluation.period_bounds(month)
        rows = [(r.name, round(r.score, 1), r.key) for r in evaluation.evaluate(start, end, by=by) if r.score is not None]
        cache.set(key, rows, RANKING_CACHE)
    if by == "street":  # a street's leader sees the streets of their own scope
        scope = request.desk.scope
        rows = [row for row in rows if scope.whole_district or scope.covers_code(row[2])]
    mine = set(Unit.objects.filter(pk__in=request.desk.viewer.units).values_list("code", flat=True))
    shown = [(f"{rank}. {name}", score) for rank, (name, score, key) in enumerate(rows, 1) if rank <= 12 or key in mine]
    own = [(rank, name, score) for rank, (name, score, key) in enumerate(rows, 1) if key in mine]
    return render(request, "console/_ranking.html", {
        "by": by, "month": month, "chart": charts.bars(shown, scale_max=100), "rows": shown, "own": own,
        "total": len(rows)})
