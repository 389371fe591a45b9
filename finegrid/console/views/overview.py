"""一屏统览: the leader's one screen. Every panel is filled from live data; a panel whose module
has not landed yet says so instead of showing numbers."""

from datetime import datetime, time, timedelta

from django.apps import apps
from django.core.cache import cache
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from finegrid.cases import evaluation
from finegrid.cases.actions import OPEN
from finegrid.cases.models import Case

from .. import charts
from ..access import OVERVIEW_ROLES, desk_required

S = Case.State
TREND_DAYS = 30
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
        "trend": _trend(cases, today),
        "pending": {panel: not apps.is_installed(app) for panel, app in PENDING_MODULES.items()},
        "now": now,
    }
    return render(request, "console/overview.html", context)


def _today(cases, today) -> dict:
    # Every state named, so the (state, reported_at) index serves the range (see evaluation._cohort).
    reported = cases.filter(state__in=S.values, reported_at__gte=today).count()
    closed = cases.filter(state__in=[S.CLOSED, S.RATED], closed_at__gte=today).count()
    return {"reported": reported, "closed": closed}


def _trend(cases, today) -> dict:
    start = today - timedelta(days=TREND_DAYS - 1)
    days = [(start + timedelta(days=i)).date() for i in range(TREND_DAYS)]
    reported = _per_day(cases.filter(state__in=S.values, reported_at__gte=start), "reported_at")
    closed = _per_day(cases.filter(state__in=[S.CLOSED, S.RATED], closed_at__gte=start), "closed_at")
    return charts.trend([d.strftime("%m-%d") for d in days], [
        charts.Series(_("Reported"), "#4e79a7", [reported.get(d, 0) for d in days]),
        charts.Series(_("Closed"), "#59a14f", [closed.get(d, 0) for d in days]),
    ])


def _per_day(cases, field: str) -> dict:
    rows = cases.annotate(day=TruncDate(field)).values("day").annotate(n=Count("id")).order_by()
    return {row["day"]: row["n"] for row in rows}


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
    rows = [(name, score) for name, score, _key in rows]
    return render(request, "console/_ranking.html", {
        "by": by, "month": month, "chart": charts.bars(rows[:12], scale_max=100), "rows": rows[:12]})
