"""Evaluation by results (以实绩论英雄): GB/T 30428.4-style indicators for every unit, street,
community, grid or handler, a weighted score and a rank.

Which cases: those REPORTED in [start, end) — a cohort — with their outcomes as they stand when the
evaluation runs. A month is judged by what became of its own reports, so a case reported on the
31st and closed on the 2nd counts, closed, for the month it was reported in; re-running later only
moves the figures of cases that were still open. `reported_at` decides membership; each indicator
says which other instants it compares.

Everything is counted by the database in one grouped query (COUNT … FILTER / CASE WHEN); deadlines
in working time become a piecewise expression of the start instant (`WorkingDeadline`), so no case
is ever loaded into Python."""

import inspect
import math
import re
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import connection, models, transaction
from django.db.models import (
    Count, DateTimeField, DurationField, ExpressionWrapper, F, Max, Min, OuterRef, Q, Subquery, Value, When,
)
from django.db.models.functions import Length, Substr
from django.utils.translation import gettext_lazy as _

from finegrid.grid.models import Grid, Region
from finegrid.org.models import Unit

from . import deadlines
from .calendar import WORKING_KINDS, Limit, LimitKind, WorkCalendar
from .models import Case, IndicatorWeight, Transition

ZONE = ZoneInfo("Asia/Shanghai")  # periods are local calendar months, quarters and days
DISPATCH_LIMIT = Limit(1, LimitKind.WORK_HOURS)  # 按期派遣: within 1 working hour of 立案
RESPONSE_LIMIT = Limit(1, LimitKind.WORK_DAYS)  # hotline 响应: 受理 within 1 working day of the call

AREA_LENGTHS = {"street": 9, "community": 12, "grid": 15}  # code prefixes (GB/T 30428.1)
GROUPINGS = ("unit", *AREA_LENGTHS, "person")
AREAS = frozenset(AREA_LENGTHS)
S = Case.State
ACCEPTED_STATES = [S.ACCEPTED, S.DISPATCHED, S.HANDLING, S.HANDLED, S.CHECKED, S.CLOSED, S.RATED, S.PARKED]

# ── the counts: one SQL aggregate each ────────────────────────────────────────────────────────
LIVE = ~Q(state=S.MERGED)  # a merged duplicate (合并) is counted once, in its master case
DISPATCHED = LIVE & Q(dispatched_at__isnull=False)
# Reported done at least once: a case sent back for rework (返工) was handled, and badly.
HANDLED = LIVE & (Q(handled_at__isnull=False) | Q(rework_count__gt=0))
CLOSED = Q(closed_at__isnull=False)  # closed or rated; reopening clears closed_at
HOTLINE = LIVE & Q(channel=Case.Channel.HOTLINE)

COUNTS = {
    "merged": Q(state=S.MERGED),
    "accepted": Q(state__in=ACCEPTED_STATES),
    "dispatched": DISPATCHED,
    # The standing dispatch is never earlier than the first: only a late one needs the first looked up.
    "dispatched_on_time": DISPATCHED & (
        Q(dispatched_at__lte=F("dispatch_due")) | Q(first_dispatch__lte=F("dispatch_due"))),
    "reassigned": DISPATCHED & Q(reassign_count__gt=0),
    "parked": DISPATCHED & Q(state=S.PARKED),
    "extended": DISPATCHED & Q(extension_count__gt=0),
    "handled": HANDLED,
    "handled_on_time": LIVE & Q(handled_at__lte=F("due_at")),
    "reworked": HANDLED & Q(rework_count__gt=0),
    "closed": CLOSED,
    "closed_on_time": Q(closed_at__lte=F("due_at")),
    "hotline": HOTLINE,
    "hotline_responded": HOTLINE & Q(state__in=ACCEPTED_STATES, accepted_at__lte=F("response_due")),
    "hotline_closed": HOTLINE & CLOSED,
    "hotline_rated": HOTLINE & Q(rating__isnull=False),
    "hotline_satisfied": HOTLINE & Q(rating__gte=4),
}


# ── the indicators ────────────────────────────────────────────────────────────────────────────
@dataclass(frozen=True)
class Indicator:
    key: str
    term: str  # the standard's Chinese name, 立案率
    label: str  # English, translated through gettext
    applies: frozenset  # the groupings it measures
    compute: object  # counts → (numerator, denominator)
    counts: tuple  # the counts it needs (its parameters)
    lower_is_better: bool = False

    def value(self, counts: dict) -> float | None:
        numerator, denominator = self.compute(**{name: counts[name] for name in self.counts})
        return numerator / denominator if denominator else None


COHORTS: list["Cohort"] = []


@dataclass
class Cohort:
    """A population the evaluation counts: the rows of `model` whose `member` instant falls in the
    period, their outcome `counts` (one SQL aggregate each), the indicators over those counts, the
    ways they group (`groupings`: by → a function annotating each row's `key`), the names of the
    keys, and `prepare`, which adds what the counts compare against (deadlines as SQL). Cases are
    the first; a key-task app registers its own and is scored beside them (`evaluate_together`)."""

    name: str
    model: type
    member: str
    counts: dict
    groupings: dict = field(default_factory=dict)
    names: object = None  # (by, keys) → {key: (code, name)}
    prepare: object = None  # (rows, needed, start, end, calendar) → rows
    weights: dict = field(default_factory=dict)  # the default weight of each of its indicators
    states: tuple = ()  # naming every state lets the database range-scan a (state, member) index
    indicators: dict = field(default_factory=dict)

    def __post_init__(self):
        COHORTS[:] = [c for c in COHORTS if c.name != self.name] + [self]

    def indicator(self, key, term, label, applies, lower_is_better=False):
        def register(compute):
            counts = tuple(inspect.signature(compute).parameters)
            self.indicators[key] = Indicator(key, term, label, frozenset(applies), compute, counts, lower_is_better)
            return compute
        return register

    def indicators_for(self, by: str) -> list[Indicator]:
        return [ind for ind in self.indicators.values() if by in ind.applies]

    def members(self, start: datetime, end: datetime):
        rows = self.model.objects.filter(**{f"{self.member}__gte": start, f"{self.member}__lt": end})
        return rows.filter(state__in=self.states) if self.states else rows

    def evaluate(self, start: datetime, end: datetime, by: str = "unit", weights: dict | None = None,
                 calendar: WorkCalendar | None = None) -> list["Row"]:
        if by not in self.groupings:
            raise ValueError(f"cannot evaluate by {by!r}: choose one of {', '.join(self.groupings)}")
        weights = _checked(weights) if weights is not None else weights_in_force()
        indicators = self.indicators_for(by)
        needed = sorted({name for ind in indicators for name in ind.counts} - {"reported"})
        rows = self.groupings[by](self.members(start, end))
        if self.prepare:
            rows = self.prepare(rows, needed, start, end, calendar)
        aggregates = {name: Count("pk", filter=self.counts[name]) for name in needed}
        figures = _fetch(rows.values("key").annotate(reported=Count("pk"), **aggregates).order_by())
        names = (self.names or names_of)(by, [f["key"] for f in figures])
        found = [_row(figure, names, indicators, weights) for figure in figures]
        _rank(found)
        return sorted(found, key=lambda row: (row.rank is None, row.rank or 0, row.key))


CASES = Cohort("cases", Case, "reported_at", COUNTS, states=tuple(S.values))
INDICATORS = CASES.indicators
indicator = CASES.indicator


# The command centre's work (立案, 派遣, 受理) is judged by area, never against the unit or the
# handler it went to; handling and closing are judged everywhere (GB/T 30428.4 区域/部门/岗位评价).
HANDLING = AREAS | {"unit", "person"}


@indicator("filing_rate", "立案率", _("Filing rate"), AREAS)
def filing_rate(accepted, reported, merged):
    """立案率 = 立案数 ÷ (上报数 − 合并数), by `reported_at`. 立案 = the case stands at or past 立案
    (accepted … rated, or parked 挂账). Merged duplicates leave the denominator; void (作废) reports
    stay in it, as not accepted."""
    return accepted, reported - merged


@indicator("dispatch_on_time_rate", "按期派遣率", _("On-time dispatch rate"), AREAS)
def dispatch_on_time_rate(dispatched_on_time, dispatched):
    """按期派遣率 = 按期派遣数 ÷ 派遣数: the FIRST 派遣 (the earliest `dispatch` transition's `at`)
    within DISPATCH_LIMIT of `accepted_at`, in working time. A later 改派 or re-dispatch does not
    make a dispatch late; 派遣准确率 counts that fault."""
    return dispatched_on_time, dispatched


@indicator("dispatch_accuracy", "派遣准确率", _("Dispatch accuracy"), AREAS)
def dispatch_accuracy(dispatched, reassigned):
    """派遣准确率 = (派遣数 − 改派数) ÷ 派遣数; 改派数 = dispatched cases with at least one
    `reassign` (reassign_count > 0)."""
    return dispatched - reassigned, dispatched


@indicator("handling_on_time_rate", "按期处置率", _("On-time handling rate"), HANDLING)
def handling_on_time_rate(handled_on_time, handled):
    """按期处置率 = 按期处置数 ÷ 处置数. 处置 = reported done (反馈) at least once; on time = the
    standing `handled_at` ≤ `due_at` (the deadline after any approved 延期). A case back in rework
    has no standing report, so it is not on time."""
    return handled_on_time, handled


@indicator("closure_rate", "结案率", _("Closure rate"), HANDLING)
def closure_rate(closed, dispatched, parked):
    """结案率 = 结案数 ÷ (应结案数 − 缓办数): 应结案数 = cases dispatched; 缓办 = those of them now
    parked (挂账). GB/T 30428.4: 缓办 cases leave the denominator. 结案 = `closed_at` set."""
    return closed, dispatched - parked


@indicator("closure_on_time_rate", "按期结案率", _("On-time closure rate"), HANDLING)
def closure_on_time_rate(closed_on_time, closed):
    """按期结案率 = 按期结案数 ÷ 结案数: `closed_at` ≤ `due_at`."""
    return closed_on_time, closed


@indicator("rework_rate", "返工率", _("Rework rate"), HANDLING, lower_is_better=True)
def rework_rate(reworked, handled):
    """返工率 = 返工案件数 ÷ 处置数: cases sent back by 核查 (rework) or reopened after a bad rating,
    each counted once however often (rework_count > 0). Lower is better."""
    return reworked, handled


@indicator("extension_rate", "延期率", _("Extension rate"), AREAS | {"unit"}, lower_is_better=True)
def extension_rate(extended, dispatched):
    """延期率 = 延期案件数 ÷ 派遣数: dispatched cases with an approved extension (extension_count > 0).
    Lower is better."""
    return extended, dispatched


@indicator("response_rate", "响应率", _("Hotline response rate"), AREAS)
def response_rate(hotline_responded, hotline):
    """热线 响应率 = accepted (受理) within RESPONSE_LIMIT of the call (`accepted_at` against
    `reported_at`, in working time) ÷ hotline cases (merged ones left out)."""
    return hotline_responded, hotline


@indicator("resolution_rate", "解决率", _("Hotline resolution rate"), AREAS | {"unit"})
def resolution_rate(hotline_closed, hotline):
    """热线 解决率 = hotline cases closed ÷ hotline cases."""
    return hotline_closed, hotline


@indicator("satisfaction_rate", "满意率", _("Hotline satisfaction rate"), HANDLING)
def satisfaction_rate(hotline_satisfied, hotline_rated):
    """热线 满意率 = hotline cases rated 4 or 5 ÷ hotline cases rated."""
    return hotline_satisfied, hotline_rated


# Points out of 100 when every indicator has a value; normalised over those that have one.
DEFAULT_WEIGHTS = {
    "filing_rate": 10, "dispatch_on_time_rate": 5, "dispatch_accuracy": 5, "handling_on_time_rate": 20,
    "closure_rate": 20, "closure_on_time_rate": 15, "rework_rate": 10, "extension_rate": 5,
    "response_rate": 3, "resolution_rate": 4, "satisfaction_rate": 3,
}


CASES.weights = DEFAULT_WEIGHTS


def indicators_for(by: str) -> list[Indicator]:
    return CASES.indicators_for(by)


# ── periods ───────────────────────────────────────────────────────────────────────────────────
def period_bounds(text: str) -> tuple[datetime, datetime]:
    """Reads "2026-10", "2026-Q3", "2026" or "2026-10-01..2026-10-15" (both days included) as
    [start, end): aware datetimes at local midnight in Asia/Shanghai. A bad text raises ValueError
    saying what is accepted."""
    text = (text or "").strip()
    try:
        first, last = _period_days(text)
    except ValueError:
        raise ValueError(f"cannot read the period {text!r}: use 2026-10, 2026-Q3, 2026 or 2026-10-01..2026-10-15")
    if last < first:
        raise ValueError(f"the period {text!r} ends before it starts")
    return _midnight(first), _midnight(last + timedelta(days=1))


def _period_days(text: str) -> tuple[date, date]:
    if match := re.fullmatch(r"(\d{4})", text):
        year = int(match[1])
        return date(year, 1, 1), date(year, 12, 31)
    if match := re.fullmatch(r"(\d{4})-[Qq]([1-4])", text):
        year, quarter = int(match[1]), int(match[2])
        return date(year, 3 * quarter - 2, 1), _month_end(year, 3 * quarter)
    if match := re.fullmatch(r"(\d{4})-(\d{1,2})", text):
        year, month = int(match[1]), int(match[2])
        return date(year, month, 1), _month_end(year, month)
    if match := re.fullmatch(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})", text):
        return date.fromisoformat(match[1]), date.fromisoformat(match[2])
    raise ValueError(text)


def _month_end(year: int, month: int) -> date:
    following = date(year + month // 12, month % 12 + 1, 1)
    return following - timedelta(days=1)


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=ZONE)


# ── deadlines in working time, as SQL ─────────────────────────────────────────────────────────
class WorkingDeadline:
    """`calendar.deadline(a, limit).due` as a piecewise function of `a` on [lo, hi], for SQL.

    Between two breakpoints the deadline is either `a + Δ` (a in working time, the same period
    ends crossed) or a constant (a outside working time waits for the next period). Breakpoints:
    each working period's start and end, and each instant whose deadline falls exactly on a period
    end. The pieces become a balanced tree of CASE expressions: ~log2(pieces) comparisons a row."""

    def __init__(self, calendar: WorkCalendar, limit: Limit, lo: datetime, hi: datetime):
        self.pieces = _pieces(calendar, limit, lo, hi)  # [(upper, shift or None, fixed or None)], upper ascending

    def at(self, a: datetime) -> datetime:
        """The same function in Python (what the SQL computes), for checking it."""
        index = bisect_left([upper for upper, _, _ in self.pieces[:-1]], a)
        _, shift, fixed = self.pieces[index]
        return a + shift if shift is not None else fixed

    def expression(self, start: str, pieces=None):
        pieces = self.pieces if pieces is None else pieces
        if len(pieces) == 1:
            _, shift, fixed = pieces[0]
            if shift is None:
                return Value(fixed, output_field=DateTimeField())
            shifted = F(start) + Value(shift, output_field=DurationField())
            return ExpressionWrapper(shifted, output_field=DateTimeField())
        middle = len(pieces) // 2
        left, right = self.expression(start, pieces[:middle]), self.expression(start, pieces[middle:])
        return models.Case(When(**{f"{start}__lte": pieces[middle - 1][0]}, then=left), default=right,
                           output_field=DateTimeField())


def _pieces(calendar: WorkCalendar, limit: Limit, lo: datetime, hi: datetime) -> list:
    length = timedelta(seconds=calendar.limit_seconds(limit))
    if limit.kind not in WORKING_KINDS:
        return [(None, length, None)]  # clock time: always a + limit
    # Far enough for the deadline of the end of the period holding `hi`: one more working day.
    reach = Limit((calendar.limit_seconds(limit) + calendar.day_seconds) / 3600, LimitKind.WORK_HOURS)
    spans = _working_spans(calendar, lo, calendar.deadline(hi, reach).due)
    starts, ends, done = [], [], timedelta(0)  # working time done at each span's start and end
    for begin, end in spans:
        starts.append(done)
        done += end - begin
        ends.append(done)

    def instant(work: timedelta) -> datetime:  # the earliest instant `work` is done: a period's end, not the next start
        m = bisect_left(ends, work)
        return spans[m][0] + (work - starts[m])

    pieces = []
    for k, (begin, end) in enumerate(spans):
        pieces.append((begin, None, instant(starts[k] + length)))
        # Instants of this span whose deadline is exactly some period's end: the form changes there.
        crossings = ends[bisect_left(ends, starts[k] + length):bisect_left(ends, ends[k] + length)]
        for work in [w - length for w in crossings if w - length > starts[k]] + [ends[k]]:
            a = begin + (work - starts[k])
            pieces.append((a, instant(work + length) - a, None))
        if end >= hi:
            break
    return pieces


def _working_spans(calendar: WorkCalendar, lo: datetime, hi: datetime) -> list[tuple[datetime, datetime]]:
    zone = ZoneInfo(calendar.tz)
    day, last, spans = lo.astimezone(zone).date(), hi.astimezone(zone).date(), []
    while day <= last:
        if calendar.is_working_day(day):
            spans += [(_utc(day, begin, zone), _utc(day, end, zone)) for begin, end in calendar.periods]
        day += timedelta(days=1)
    return spans


def _utc(day, moment, zone) -> datetime:
    return datetime.combine(day, moment, zone).astimezone(UTC)


# ── evaluate ──────────────────────────────────────────────────────────────────────────────────
@dataclass
class Row:
    key: str  # unit code, area code or username
    name: str
    counts: dict[str, int]
    values: dict[str, float | None]  # indicator key → fraction, None when its denominator is 0
    score: float | None = None  # 0–100
    rank: int | None = None  # 1 = best; ties share a rank


def evaluate(start: datetime, end: datetime, by: str = "unit", weights: dict | None = None,
             calendar: WorkCalendar | None = None) -> list[Row]:
    """Every unit (area, handler) with cases reported in [start, end), best first. `weights`
    replaces the weights in force (DEFAULT_WEIGHTS overridden by IndicatorWeight rows)."""
    return CASES.evaluate(start, end, by, weights, calendar)


def evaluate_together(cohorts, start: datetime, end: datetime, by: str = "unit", weights: dict | None = None,
                      calendar: WorkCalendar | None = None) -> list[Row]:
    """Several cohorts judged side by side (a unit's cases beside its key tasks): one row per key
    with every cohort's counts and indicators, and one score over all of them."""
    weights = _checked(weights) if weights is not None else weights_in_force()
    merged: dict[str, Row] = {}
    for cohort in cohorts:
        for row in cohort.evaluate(start, end, by, weights, calendar):
            into = merged.setdefault(row.key, Row(row.key, row.name, {}, {}))
            into.name = into.name or row.name
            into.counts.update({f"{cohort.name}.{k}": v for k, v in row.counts.items()})
            into.values.update(row.values)
    rows = list(merged.values())
    for row in rows:
        row.score = _score(row.values, weights)
    _rank(rows)
    return sorted(rows, key=lambda row: (row.rank is None, row.rank or 0, row.key))


def _fetch(query) -> list[dict]:
    if connection.vendor != "postgresql":
        return list(query)
    with transaction.atomic(), connection.cursor() as cursor:
        # PostgreSQL's JIT spends seconds compiling the deadline CASE trees of a long period,
        # far longer than the query then runs (a year: 30 s against 5 s): this query goes without.
        cursor.execute("SET LOCAL jit = off")
        return list(query)


def _cohort(start: datetime, end: datetime):
    return CASES.members(start, end)


def by_unit(rows, field: str = "unit"):
    return rows.filter(**{f"{field}__isnull": False}).annotate(key=F(f"{field}_id"))


def by_area(length: int, field: str = "area_code"):
    """Grouping by the first `length` digits of the area code; rows located only to a coarser
    level are left out."""
    def grouped(rows):
        rows = rows.alias(code_length=Length(field)).filter(code_length__gte=length)
        return rows.annotate(key=Substr(field, 1, length))
    return grouped


def _by_handler(cases):
    # The handler whose 反馈 stands: the actor of the case's last report_done.
    last = Transition.objects.filter(case=OuterRef("pk"), action="report_done").order_by("-seq")
    return cases.filter(HANDLED).annotate(key=Subquery(last.values("actor")[:1])).filter(key__isnull=False)


def _with_deadlines(cases, needed, start, end, calendar):
    calendar = calendar or deadlines.calendar_in_force()
    if "hotline_responded" in needed:
        due = WorkingDeadline(calendar, RESPONSE_LIMIT, start, end).expression("reported_at")
        cases = cases.alias(response_due=due)
    if "dispatched_on_time" in needed:
        first = Transition.objects.filter(case=OuterRef("pk"), action="dispatch").order_by("seq").values("at")[:1]
        cases = cases.alias(first_dispatch=Subquery(first), dispatch_due=_dispatch_due(cases, calendar))
    return cases


def _dispatch_due(cases, calendar):
    """The dispatch deadline of each case, built for the acceptance times the cohort really has."""
    span = cases.filter(DISPATCHED).aggregate(lo=Min("accepted_at"), hi=Max("accepted_at"))
    if span["lo"] is None:
        return Value(None, output_field=DateTimeField())
    return WorkingDeadline(calendar, DISPATCH_LIMIT, span["lo"], span["hi"]).expression("accepted_at")


def names_of(by: str, keys: list) -> dict:
    if by == "unit":
        units = Unit.objects.filter(pk__in=keys).values_list("pk", "code", "name")
        return {pk: (code, name) for pk, code, name in units}
    if by == "person":
        users = get_user_model().objects.filter(pk__in=keys).values_list("pk", "username", "person__full_name")
        return {pk: (username, full_name or username) for pk, username, full_name in users}
    model = Grid if by == "grid" else Region
    found = dict(model.objects.filter(code__in=keys).values_list("code", "name"))
    return {code: (code, found.get(code, "")) for code in keys}


def _row(figure: dict, names: dict, indicators: list[Indicator], weights: dict) -> Row:
    counts = {name: value for name, value in figure.items() if name != "key"}
    key, name = names.get(figure["key"], (str(figure["key"]), ""))
    values = {ind.key: ind.value(counts) for ind in indicators}
    return Row(key, name, counts, values, _score(values, weights))


def _score(values: dict, weights: dict) -> float | None:
    """100 × the weighted mean of the indicators that have a value; lower-is-better ones count as 1 − value."""
    lower = {ind.key for cohort in COHORTS for ind in cohort.indicators.values() if ind.lower_is_better}
    parts = [(weights.get(key, 0), 1 - v if key in lower else v)
             for key, v in values.items() if v is not None and weights.get(key, 0) > 0]
    total = sum(weight for weight, _ in parts)
    return round(100 * sum(weight * v for weight, v in parts) / total, 2) if total else None


def _rank(rows: list[Row]) -> None:
    """Competition ranking (1, 1, 3): equal scores, to the hundredth, share a rank."""
    scored = sorted((row for row in rows if row.score is not None), key=lambda row: -row.score)
    for position, row in enumerate(scored, start=1):
        previous = scored[position - 2] if position > 1 else None
        row.rank = previous.rank if previous and previous.score == row.score else position


# ── weights ───────────────────────────────────────────────────────────────────────────────────
def weights_in_force() -> dict[str, float]:
    """DEFAULT_WEIGHTS, overridden by the IndicatorWeight rows (named by key or by Chinese term)."""
    rows = {_indicator_key(name): weight
            for name, weight in IndicatorWeight.objects.values_list("indicator", "weight")}
    defaults = {key: weight for cohort in COHORTS for key, weight in cohort.weights.items()}
    return _checked({**defaults, **rows})


def _indicator_key(name: str) -> str:
    name = name.strip()
    known = [ind for cohort in COHORTS for ind in cohort.indicators.values()]
    for ind in known:
        if name in (ind.key, ind.term):
            return ind.key
    raise ValueError(f"unknown indicator {name!r} in the weights: use one of {', '.join(i.key for i in known)}")


def _checked(weights: dict) -> dict[str, float]:
    checked = {}
    for name, weight in weights.items():
        if not (isinstance(weight, int | float) and math.isfinite(weight) and weight >= 0):
            raise ValueError(f"the weight of {name} must be a number ≥ 0, not {weight!r}")
        checked[_indicator_key(name)] = float(weight)
    return checked


CASES.groupings = {"unit": by_unit, **{by: by_area(n) for by, n in AREA_LENGTHS.items()}, "person": _by_handler}
CASES.prepare = _with_deadlines
