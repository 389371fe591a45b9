"""Deadlines of cases: the calendar in force (the database's, else the shipped official one) and
the moments a case is due and due soon."""

from datetime import datetime

from .calendar import HOUR, WORKING_KINDS, Deadline, Limit, LimitKind, WorkCalendar
from .models import CalendarDay, CalendarYear, WorkingPeriod

YELLOW_SHARE = 0.8  # 临期: a yellow warning once 80 % of the time limit is used


def calendar_in_force() -> WorkCalendar:
    """The administrators' calendar when they have entered one, else the official 2025–2026 one."""
    years = set(CalendarYear.objects.values_list("year", flat=True))
    if not years:
        return WorkCalendar.default()
    rows = CalendarDay.objects.values_list("date", "kind")
    periods = tuple(WorkingPeriod.objects.values_list("start", "end")) or None
    return WorkCalendar.from_rows(rows, periods=periods, covered_years=frozenset(years))


def limit_of(case) -> Limit | None:
    if not case.limit_kind or not case.limit_value:
        return None
    return Limit(case.limit_value, LimitKind(case.limit_kind))


def due(start: datetime, limit: Limit, calendar: WorkCalendar) -> Deadline:
    return calendar.deadline(start, limit)


def yellow_at(start: datetime, limit: Limit, calendar: WorkCalendar) -> datetime:
    """When 80 % of the limit is used, counted in the limit's own kind of time."""
    return calendar.deadline(start, Limit(limit.value * YELLOW_SHARE, limit.kind)).due


def resumed(parked_at: datetime, due_at: datetime, now: datetime, limit: Limit, calendar: WorkCalendar) -> datetime:
    """The deadline of a case resumed at `now` after being parked (挂账) at `parked_at`: the clock
    stood still meanwhile, so what was left of the limit then is left now. A case already overdue
    when parked stays overdue by the same amount."""
    left = calendar.time_between(parked_at, due_at, limit.kind)
    if left <= 0:
        return due_at + (now - parked_at)
    clock = LimitKind.WORK_HOURS if limit.kind in WORKING_KINDS else LimitKind.URGENT_HOURS
    return calendar.deadline(now, Limit(left / HOUR, clock)).due
