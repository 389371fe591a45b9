"""The slow panels of the leader's overview — the 30-day trend, the month's rankings of streets and
units, the month's hot topics and emerging terms — served from snapshots.

With a million cases these take seconds to count (the rankings evaluate a month's cohort, the
topics read every labelled appeal of half a year), far more than a page may. So a panel reads its
snapshot (one row); when the snapshot of the trend or a ranking (about a second of work at a
million cases) is older than its age limit, the one request that claims it (a conditional
UPDATE) recomputes it *after* its response has been sent (the WSGI server calls the response's
close() once the bytes are out), and everyone meanwhile sees the figures as of `computed_at`,
which the panel shows. Before the first computation the panel says that it is being computed and
asks again a few seconds later. The hot topics are never computed by a web process: insight's
month report reads every labelled appeal of half a year (75 s at 286,000 labelled cases), so
`finegrid refresh-overview --every 600` computes them, and all the others, beside the server."""

import logging
from datetime import datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from finegrid.cases import evaluation
from finegrid.cases.models import Case, Transition
from finegrid.cases.visibility import in_area

from .models import PanelSnapshot

logger = logging.getLogger(__name__)
S = Case.State
TREND_DAYS = 30
MAX_AGE = {"trend": timedelta(minutes=5), "ranking": timedelta(minutes=10), "topics": timedelta(minutes=15)}
CLAIM = timedelta(minutes=3)  # a recomputation that has not finished by then is taken over
IN_REQUEST = frozenset({"trend", "ranking"})  # cheap enough to recompute after a response
WHOLE_DISTRICT = "all"


# ── keys: what a snapshot is of ──────────────────────────────────────────────────────────────
def area_key(viewer, scope) -> str:
    """The cases a viewer sees, as a key: the whole district, or their areas and units."""
    if scope.whole_district:
        return WHOLE_DISTRICT
    areas = ",".join(sorted(scope.code_prefixes | scope.grid_codes))
    units = ",".join(str(pk) for pk in sorted(viewer.units))
    return f"areas={areas};units={units}"


def cases_of(key: str):
    """The cases an area key stands for (as `visibility.visible_cases` finds them)."""
    if key == WHOLE_DISTRICT:
        return Case.objects.all()
    parts = dict(part.split("=", 1) for part in key.split(";"))
    seen = Q(pk__in=[])
    for code in filter(None, parts.get("areas", "").split(",")):
        seen |= in_area(code)
    units = [int(pk) for pk in filter(None, parts.get("units", "").split(","))]
    if units:
        seen |= Q(unit_id__in=units)
    return Case.objects.filter(seen)


# ── reading and refreshing ───────────────────────────────────────────────────────────────────
def read(name: str, key: str, now: datetime) -> tuple[PanelSnapshot | None, bool]:
    """The snapshot (None before the first computation) and whether this request should refresh
    it after responding (it is missing or too old, and this request won the claim)."""
    snapshot = PanelSnapshot.objects.filter(name=name, key=key).first()
    fresh = snapshot is not None and snapshot.computed_at and now - snapshot.computed_at < MAX_AGE[name]
    if fresh:
        return snapshot, False
    shown = snapshot if snapshot and snapshot.computed_at else None
    return shown, name in IN_REQUEST and _claim(name, key, now)


def _claim(name: str, key: str, now: datetime) -> bool:
    try:
        with transaction.atomic():
            PanelSnapshot.objects.get_or_create(name=name, key=key)
    except IntegrityError:  # another request created it a moment ago
        pass
    free = Q(refreshing_until__isnull=True) | Q(refreshing_until__lt=now)
    return PanelSnapshot.objects.filter(free, name=name, key=key).update(refreshing_until=now + CLAIM) == 1


def refresh(name: str, key: str, now: datetime | None = None) -> dict:
    """Compute one panel's figures now and store them."""
    now = now or timezone.now()
    data = COMPUTE[name](key, now)
    PanelSnapshot.objects.update_or_create(name=name, key=key,
                                           defaults={"data": data, "computed_at": now, "refreshing_until": None})
    return data


def refresh_after(response, name: str, key: str):
    """Recompute the panel once `response` has been sent (the server closes it then)."""
    close = response.close

    def close_then_refresh():
        try:
            refresh(name, key)
        except Exception:  # a failed refresh leaves the old figures and frees the claim for later
            logger.exception("refreshing the %s panel (%s) failed", name, key)
            PanelSnapshot.objects.filter(name=name, key=key).update(refreshing_until=None)
        finally:
            close()

    response.close = close_then_refresh
    return response


# ── the computations ─────────────────────────────────────────────────────────────────────────
def local_midnight(day) -> datetime:
    return datetime.combine(day, time.min, timezone.get_default_timezone())


def closings(cases):
    """结案 transitions (the (action, at) index), of the given cases."""
    rows = Transition.objects.filter(action="close")
    # The whole district needs no join: the index range alone counts them.
    return rows.filter(case__in=cases) if cases.query.has_filters() else rows


def trend(key: str, now: datetime) -> dict:
    """Reported and closed per day, last 30 days: two queries of one COUNT … FILTER per day."""
    today = local_midnight(timezone.localdate(now))
    start = today - timedelta(days=TREND_DAYS - 1)
    days = [start + timedelta(days=i) for i in range(TREND_DAYS)]
    cases = cases_of(key)
    # Every state named, so the (state, reported_at) index serves the range (see evaluation._cohort).
    reported = _per_day(cases.filter(state__in=S.values, reported_at__gte=start), "reported_at", days)
    closed = _per_day(closings(cases).filter(at__gte=start), "at", days)
    return {"days": [d.strftime("%m-%d") for d in days], "reported": reported, "closed": closed}


def _per_day(rows, field: str, days: list) -> list[int]:
    """One pass over the range: a COUNT with a FILTER per day, no date function per row."""
    counts = {f"d{i}": Count("pk", filter=Q(**{f"{field}__gte": day, f"{field}__lt": day + timedelta(days=1)}))
              for i, day in enumerate(days)}
    figures = rows.aggregate(**counts)
    return [figures[f"d{i}"] for i in range(len(days))]


# A live ranking rests on enough cases to mean something. On the 2nd of a month the calendar month
# holds a day or two of reports, and units tied at 20.0 or 100.0 on one to three cases: so the
# panel ranks the last 30 days (a rolling window, the same sample size every day of the month),
# and ranks only units with at least MIN_CASES cases in it (one case more or less then moves a
# rate by at most 10 points); the others are listed with their count, unranked. The monthly
# 通报 (the download, any ?month=) keeps the calendar month the standard reports by.
ROLLING = "last30"
ROLLING_DAYS = 30
MIN_CASES = 10


def ranking_period(period: str, now: datetime) -> tuple[datetime, datetime]:
    """The window a ranking key names: "last30" (the 30 days up to now) or a month "2026-11"."""
    if period == ROLLING:
        return now - timedelta(days=ROLLING_DAYS), now
    return evaluation.period_bounds(period)


def ranking(key: str, now: datetime) -> dict:
    """The evaluation of streets or units over a window; key "street:last30" or "unit:2026-11".
    Rows below MIN_CASES keep their score but get no rank."""
    by, period = key.split(":", 1)
    start, end = ranking_period(period, now)
    rows = [r for r in evaluation.evaluate(start, end, by=by) if r.score is not None]
    ranked = sorted((r for r in rows if r.counts.get("reported", 0) >= MIN_CASES), key=lambda r: -round(r.score, 1))
    ranks = {}
    for position, row in enumerate(ranked, start=1):  # competition ranking (1, 1, 3) on the shown score
        before = ranked[position - 2] if position > 1 else None
        ranks[row.key] = ranks[before.key] if before and round(before.score, 1) == round(row.score, 1) else position
    rows.sort(key=lambda r: (r.key not in ranks, ranks.get(r.key, 0), -r.counts.get("reported", 0)))
    return {"rows": [{"key": str(r.key), "name": r.name, "score": round(r.score, 1), "rank": ranks.get(r.key),
                      "reported": r.counts.get("reported", 0)} for r in rows],
            "start": timezone.localtime(start).strftime("%m-%d"), "end": timezone.localtime(end).strftime("%m-%d"),
            "min_cases": MIN_CASES}


def topics(key: str, now: datetime) -> dict:
    """The month's hot issues and emerging terms from the insight app's report; key "2026-11".
    The same report renders the hot-issues page, kept for its readers (under 300 ms to open)."""
    from finegrid.insight.report import month_report
    from finegrid.insight.views import store_every_language

    report = month_report(key)
    store_every_language(report)  # the full report page, read from the cache by insight's view
    return {
        "appeals": report.appeals,
        "issues": [{"topic": i.topic, "subtopic": i.subtopic, "count": i.count, "units": i.units,
                    "streets": i.streets, "months": i.months_recurring} for i in report.issues[:8]],
        "terms": [{"term": t.term, "count": t.count, "before": t.before, "ratio": t.ratio} for t in report.terms[:12]],
    }


COMPUTE = {"trend": trend, "ranking": ranking, "topics": topics}
