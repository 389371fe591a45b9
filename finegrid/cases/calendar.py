"""The work calendar (工作日历) and the pure deadline function of the case engine.

Every case is held to a legal time limit (处置时限) in one of four kinds of time (GB/T 30428
数字化城管, 12345 接诉即办). This module answers "when is it due?" and "how much of the limit is
used?" from plain arguments: no Django, no database, and the clock is passed in, never read.

Times go in aware (any zone) and come out in UTC; calendar arithmetic happens in the calendar's
own zone (Asia/Shanghai), because "08:30 on a working day" is a local wall-clock fact.
"""

import csv
import functools
import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import Enum
from pathlib import Path
from zoneinfo import ZoneInfo

DEFAULT_CSV = Path(__file__).resolve().parent / "data" / "cn_holidays.csv"
DEFAULT_PERIODS = ((time(8, 30), time(12, 0)), (time(13, 30), time(17, 30)))
HOUR = 3600.0
DAY = 86400.0
ONE_DAY = timedelta(days=1)


class LimitKind(str, Enum):
    """The kind of time a limit runs in; the values are stored in data files and the database."""

    URGENT_HOURS = "urgent_hours"  # 紧急工作时: clock hours, nights and holidays included
    WORK_HOURS = "work_hours"  # 工作时: working periods of working days only
    WORK_DAYS = "work_days"  # 工作日: N × a full working day of working time
    CALENDAR_DAYS = "calendar_days"  # 自然日: N × 24 clock hours


LIMIT_KIND_LABELS = {
    LimitKind.URGENT_HOURS: "紧急工作时",
    LimitKind.WORK_HOURS: "工作时",
    LimitKind.WORK_DAYS: "工作日",
    LimitKind.CALENDAR_DAYS: "自然日",
}

# The kinds whose clock runs only in working time; the other two never consult the calendar.
WORKING_KINDS = frozenset({LimitKind.WORK_HOURS, LimitKind.WORK_DAYS})


@dataclass(frozen=True)
class Limit:
    value: float
    kind: LimitKind

    def __post_init__(self):
        # Accept the stored string ("work_days") and an int, so rows from the database compare equal.
        object.__setattr__(self, "kind", LimitKind(self.kind))
        object.__setattr__(self, "value", float(self.value))
        if not (math.isfinite(self.value) and self.value > 0):
            raise ValueError(f"a time limit must be a positive number, not {self.value!r}")

    def __str__(self) -> str:
        return f"{self.value:g}{LIMIT_KIND_LABELS[self.kind]}"


# Units as the standard tables spell them → (kind, how many of the unit make one of the kind).
# Unmarked 天 and 小时 are working time: the 数字化城管 tables count in working time unless a
# limit is marked 紧急; continuous limits of the hotline are the named HOTLINE_TIERS below.
# 紧急工作日 runs day and night like 紧急工作时, so it is a calendar day (N × 24 clock hours).
_UNITS = {
    "紧急工作时": (LimitKind.URGENT_HOURS, 1),
    "紧急工作日": (LimitKind.CALENDAR_DAYS, 1),
    "自然日": (LimitKind.CALENDAR_DAYS, 1),  # what str(Limit) writes for calendar days
    "工作时": (LimitKind.WORK_HOURS, 1),
    "工作日": (LimitKind.WORK_DAYS, 1),
    "小时": (LimitKind.WORK_HOURS, 1),
    "分钟": (LimitKind.WORK_HOURS, 60),
    "天": (LimitKind.WORK_DAYS, 1),
}
_LIMIT_RE = re.compile(r"([0-9]+(?:\.[0-9]+)?)个?(" + "|".join(_UNITS) + ")")


def parse_limit(text: str) -> Limit:
    """Reads a limit as written in the standard tables: "2紧急工作时", "3个工作日", "30分钟", "１５天"."""
    # NFKC turns full-width digits, points and spaces (１５．５　天) into ASCII ones.
    cleaned = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))
    match = _LIMIT_RE.fullmatch(cleaned)
    if not match:
        raise ValueError(
            f"cannot read a time limit from {text!r}: expected a positive number followed by "
            f"one of {', '.join(_UNITS)} (e.g. 2紧急工作时, 3工作日, 30分钟)"
        )
    kind, per_unit = _UNITS[match[2]]
    return Limit(float(match[1]) / per_unit, kind)


# 接诉即办 urgency tiers: 2 h when life or property is at risk; 24 h for water, power, gas and
# heating; 7 days for a general appeal; 15 days for a complex one. All run on the clock.
HOTLINE_TIERS = {
    "2h": Limit(2, LimitKind.URGENT_HOURS),
    "24h": Limit(24, LimitKind.URGENT_HOURS),
    "7d": Limit(7, LimitKind.CALENDAR_DAYS),
    "15d": Limit(15, LimitKind.CALENDAR_DAYS),
}


@dataclass(frozen=True)
class Deadline:
    due: datetime  # aware, UTC
    provisional: bool  # an uncovered year was crossed and counted as plain Monday–Friday


class YearNotCovered(Exception):
    """The calendar has no official holiday arrangement for `year`; it must be entered, not guessed."""

    def __init__(self, year: int):
        super().__init__(
            f"{year} 年节假日安排尚未录入: the work calendar does not cover {year}; "
            f"an administrator must enter or import that year's State Council arrangement"
        )
        self.year = year


@dataclass(frozen=True)
class WorkCalendar:
    holidays: frozenset[date]
    workdays: frozenset[date]  # adjusted working weekend days (调休上班)
    covered_years: frozenset[int]
    periods: tuple[tuple[time, time], ...] = DEFAULT_PERIODS
    tz: str = "Asia/Shanghai"
    _spans: tuple[tuple[float, float], ...] = field(init=False, repr=False, compare=False)
    _zone: ZoneInfo = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        for name in ("holidays", "workdays", "covered_years"):
            object.__setattr__(self, name, frozenset(getattr(self, name)))
        object.__setattr__(self, "periods", tuple(tuple(p) for p in self.periods))
        object.__setattr__(self, "_spans", _spans_of(self.periods))
        object.__setattr__(self, "_zone", ZoneInfo(self.tz))

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[date, str]], periods=None, covered_years=None) -> "WorkCalendar":
        """Builds a calendar from (date, "holiday"|"workday") rows; covered years default to the rows' years."""
        days = {"holiday": set(), "workday": set()}
        for day, kind in rows:
            if kind not in days:
                raise ValueError(f"{day}: kind must be 'holiday' or 'workday', not {kind!r}")
            days[kind].add(date.fromisoformat(day) if isinstance(day, str) else day)
        if clash := days["holiday"] & days["workday"]:
            raise ValueError(f"{min(clash)} is listed both as a holiday and as a workday")
        if covered_years is None:
            covered_years = {day.year for day in days["holiday"] | days["workday"]}
        return cls(frozenset(days["holiday"]), frozenset(days["workday"]), frozenset(covered_years),
                   DEFAULT_PERIODS if periods is None else tuple(periods))

    @classmethod
    def default(cls) -> "WorkCalendar":
        """The State Council arrangements shipped in data/cn_holidays.csv (read once)."""
        return _default_calendar()

    def is_working_day(self, day: date) -> bool:
        # A holiday beats the weekday; an adjusted workday beats the weekend; else Monday–Friday.
        if day in self.holidays:
            return False
        return day in self.workdays or day.weekday() < 5

    def deadline(self, start: datetime, limit: Limit, strict: bool = False) -> Deadline:
        """When a case accepted at `start` is due under `limit`. With `strict`, crossing a year the
        calendar does not cover raises YearNotCovered; without, that year counts as Monday–Friday
        and the deadline says it is provisional."""
        start = _utc(start)
        if limit.kind not in WORKING_KINDS:
            # 紧急工作时 and 自然日 run day and night: no calendar is consulted, nothing is provisional.
            return Deadline(start + timedelta(seconds=self.limit_seconds(limit)), provisional=False)
        local = start.astimezone(self._zone)
        due = self._add_working_seconds(local, self.limit_seconds(limit))
        return Deadline(due.astimezone(UTC), self._provisional(local.year, due.year, strict))

    def limit_seconds(self, limit: Limit) -> float:
        """The length of `limit` in its own kind of time (working seconds for the working kinds)."""
        # 工作日 is counted as working time (N × a full working day), not as "the same hour N working
        # days later": so a case accepted at 20:00 or in the lunch break gets its full N days of work.
        per_unit = {LimitKind.WORK_DAYS: self.day_seconds, LimitKind.CALENDAR_DAYS: DAY}.get(limit.kind, HOUR)
        return limit.value * per_unit

    @property
    def day_seconds(self) -> float:
        """The working time of one full working day (7.5 h with the default periods)."""
        return sum(end - begin for begin, end in self._spans)

    def working_seconds_between(self, a: datetime, b: datetime) -> float:
        """Working time between two instants (0 if b <= a); one step per day crossed."""
        a, b = _utc(a).astimezone(self._zone), _utc(b).astimezone(self._zone)
        total, day = 0.0, a.date()
        while b > a and day <= b.date():
            if self.is_working_day(day):
                low = _seconds_of_day(a) if day == a.date() else 0.0
                high = _seconds_of_day(b) if day == b.date() else DAY
                total += self._overlap(low, high)
            day += ONE_DAY
        return total

    def elapsed_fraction(self, start: datetime, limit: Limit, due: datetime, now: datetime) -> float:
        """The share of the limit used at `now` (0.8 → 临期 yellow warning; above 1 → overdue), in
        the limit's own kind of time. `due` is passed, not recomputed, so an extended (延期)
        deadline is measured against its own window."""
        whole = self._elapsed(start, due, limit.kind)
        if whole <= 0:
            raise ValueError(f"due ({due}) must come after start ({start}) in {LIMIT_KIND_LABELS[limit.kind]}")
        return self._elapsed(start, now, limit.kind) / whole

    def time_between(self, a: datetime, b: datetime, kind: LimitKind) -> float:
        """Seconds from `a` to `b` in a limit kind's own time (0 if b <= a)."""
        return self._elapsed(a, b, kind)

    def _elapsed(self, a: datetime, b: datetime, kind: LimitKind) -> float:
        if kind in WORKING_KINDS:
            return self.working_seconds_between(a, b)
        return max(0.0, (_utc(b) - _utc(a)).total_seconds())

    def _add_working_seconds(self, local: datetime, remaining: float) -> datetime:
        """Walks day by day (never minute by minute) until `remaining` working seconds are spent."""
        day, offset = local.date(), _seconds_of_day(local)
        while True:
            if self.is_working_day(day):
                end, remaining = self._spend_in_day(offset, remaining)
                if end is not None:
                    return datetime.combine(day, time(), tzinfo=self._zone) + timedelta(seconds=end)
            day, offset = day + ONE_DAY, 0.0

    def _spend_in_day(self, offset: float, remaining: float) -> tuple[float | None, float]:
        """Spends a working day's time from `offset` on: (where the limit ends or None, what is left)."""
        for begin, end in self._spans:
            begin = max(begin, offset)  # a start in the lunch break or before 08:30 waits for the period
            if end <= begin:
                continue
            # `<=`: a limit used up exactly at 12:00 or 17:30 ends there, not at the next period's start.
            if remaining <= end - begin:
                return begin + remaining, 0.0
            remaining -= end - begin
        return None, remaining

    def _overlap(self, low: float, high: float) -> float:
        return sum(max(0.0, min(high, end) - max(low, begin)) for begin, end in self._spans)

    def _provisional(self, first_year: int, last_year: int, strict: bool) -> bool:
        missing = [year for year in range(first_year, last_year + 1) if year not in self.covered_years]
        if missing and strict:
            raise YearNotCovered(missing[0])
        return bool(missing)


def _spans_of(periods) -> tuple[tuple[float, float], ...]:
    """Working periods as seconds since local midnight, checked to be ordered and not to overlap."""
    spans = tuple((_seconds_of_day(begin), _seconds_of_day(end)) for begin, end in periods)
    if not spans:
        raise ValueError("a work calendar needs at least one working period")
    for (_, previous_end), (begin, end) in zip(((0.0, 0.0),) + spans, spans):
        if not previous_end <= begin < end:
            raise ValueError(f"working periods must be ordered, non-empty and not overlap: {periods}")
    return spans


def _seconds_of_day(moment: datetime | time) -> float:
    return moment.hour * HOUR + moment.minute * 60 + moment.second + moment.microsecond / 1e6


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment} has no time zone; pass an aware datetime (stored times are UTC)")
    return moment.astimezone(UTC)


@functools.cache
def _default_calendar() -> WorkCalendar:
    with DEFAULT_CSV.open(encoding="utf-8", newline="") as rows:
        return WorkCalendar.from_rows((row["date"], row["kind"]) for row in csv.DictReader(rows))
