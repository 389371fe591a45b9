"""督办: the deadline worker. Each tick looks only at cases whose `next_check_at` has come,
raises their alarm (yellow 临期 at 80 % of the time limit, red 超期 at the deadline), escalates
red cases (level 1: the area's supervisors at the deadline; level 2: its leaders once the case
is overdue by a further half of its limit), and stores the next moment anything can happen.

Healthchecks' `sendalerts` is the model: one indexed column, polled; every row claimed with a
conditional UPDATE whose row count says who won. Each case is handled in its own transaction,
so a worker killed mid-tick loses nothing (the case keeps its due `next_check_at`) and does
nothing twice (levels only rise, and every decision compares against the stored level)."""

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from finegrid.org.models import Role, RoleAssignment

from . import deadlines
from .calendar import WORKING_KINDS, Limit, LimitKind, WorkCalendar
from .models import Case
from .workflow import Conflict, perform

logger = logging.getLogger(__name__)

S = Case.State
# The deadline runs from 立案 until the case is closed (GB/T 30428.4 按期结案率): a case waiting
# for its 核查 is not finished. Before 立案, and once parked, closed, void or merged, it stops.
RUNNING = frozenset({S.ACCEPTED, S.DISPATCHED, S.HANDLING, S.HANDLED, S.CHECKED})
RANK = {"": 0, "yellow": 1, "red": 2}
LEADER_SHARE = 1.5  # level 2: overdue by a further 50 % of the limit
EPSILON = 1e-9  # a scheduled moment measured back as 0.79999999 of the limit still counts as 0.8
RETRY = timedelta(minutes=5)  # a case whose handling raised is tried again after this
COUNTS = ("claimed", "yellow", "red", "escalated", "rescheduled", "cleared", "conflicts", "errors")


@dataclass(frozen=True)
class Plan:
    """What a case must look like at `now`: levels never below the stored ones, and when to look again."""

    alarm: str
    escalation: int
    next_check: datetime | None


def tick(now: datetime | None = None, limit: int = 500) -> dict:
    """One pass of the worker over the cases due at `now` (at most `limit`); returns the counts."""
    now = now or timezone.now()
    counts = Counter()
    # The only query when nothing is due: a range scan of the next_check_at index.
    due = list(Case.objects.filter(next_check_at__lte=now).order_by("next_check_at")
               .values_list("pk", "next_check_at")[:limit])
    if due:
        calendar = deadlines.calendar_in_force()
        for pk, seen in due:
            counts += _take(pk, seen, now, calendar)
    return {key: counts[key] for key in COUNTS}


def _take(pk: int, seen: datetime, now: datetime, calendar: WorkCalendar) -> Counter:
    try:
        with transaction.atomic():
            case = _lock(pk, seen)
            return supervise(case, seen, now, calendar) if case else Counter()
    except Exception:  # one broken case must not stop the others behind it
        logger.exception("supervision of case %s failed; trying again in %s", pk, RETRY)
        Case.objects.filter(pk=pk, next_check_at=seen).update(next_check_at=now + RETRY)
        return Counter(errors=1)


def _lock(pk: int, seen: datetime) -> Case | None:
    # On PostgreSQL a second worker skips a row the first holds instead of waiting for it; on
    # SQLite the transaction's write lock (IMMEDIATE) serialises workers and this is a plain read.
    rows = Case.objects.select_for_update(skip_locked=True, of=("self",)).select_related("unit")
    return rows.filter(pk=pk, next_check_at=seen).first()


def supervise(case: Case, seen: datetime, now: datetime, calendar: WorkCalendar) -> Counter:
    """Claims `case` (whose next_check_at was `seen`), then warns and escalates as its plan says."""
    plan = plan_for(case, now, calendar)
    claimed = Case.objects.filter(pk=case.pk, next_check_at=seen).update(next_check_at=plan.next_check)
    if not claimed:  # another worker, or a person's action, got there first
        return Counter()
    case.next_check_at = plan.next_check
    counts = Counter(claimed=1)
    counts["rescheduled" if plan.next_check else "cleared"] += 1
    try:
        counts += _warn(case, plan, now)
        counts += _escalate(case, plan, now)
    except Conflict:  # a person acted between our read and our write: look again at the next tick
        Case.objects.filter(pk=case.pk).update(next_check_at=now)
        counts["conflicts"] += 1
    return counts


def plan_for(case: Case, now: datetime, calendar: WorkCalendar) -> Plan:
    """The alarm and escalation `case` must have at `now`, and the next moment either can rise.
    A pure function of the stored state and `now`, so a clock that jumps does no harm."""
    if case.state not in RUNNING or case.due_at is None:
        return Plan(case.alarm, case.escalation, None)
    start, due = window_start(case), case.due_at
    kind = LimitKind(case.limit_kind) if case.limit_kind else LimitKind.CALENDAR_DAYS
    # The window, not the category's limit: an extended (延期) deadline is measured against itself.
    window = _elapsed(calendar, start, due, kind)
    fraction = calendar.elapsed_fraction(start, Limit(1, kind), due, now) if window > 0 else float(now >= due)
    alarm = max(case.alarm, _alarm_at(fraction, due, now), key=RANK.__getitem__)
    escalation = max(case.escalation, _escalation_at(fraction, due, now))
    yellow = _after(calendar, start, window * deadlines.YELLOW_SHARE, kind)
    leaders = _after(calendar, start, window * LEADER_SHARE, kind)
    upcoming = [moment for moment, pending in ((yellow, RANK[alarm] < 1), (due, RANK[alarm] < 2),
                                               (leaders, escalation < 2)) if pending and moment > now]
    return Plan(alarm, escalation, min(upcoming, default=None))


def window_start(case: Case) -> datetime:
    """Where the case's time window begins: its 立案, or its reopening after a bad rating, whose
    deadline is counted afresh (the reopen moves due_at but leaves accepted_at alone)."""
    start = case.accepted_at or case.due_at
    if case.rework_count:
        reopened = case.transitions.filter(action="reopen").order_by("-seq").values_list("at", flat=True).first()
        start = max(start, reopened) if reopened else start
    return start


def _alarm_at(fraction: float, due: datetime, now: datetime) -> str:
    if now >= due:
        return "red"
    return "yellow" if fraction >= deadlines.YELLOW_SHARE - EPSILON else ""


def _escalation_at(fraction: float, due: datetime, now: datetime) -> int:
    if now < due:
        return 0
    return 2 if fraction >= LEADER_SHARE - EPSILON else 1


def _elapsed(calendar, a, b, kind) -> float:
    if kind in WORKING_KINDS:
        return calendar.working_seconds_between(a, b)
    return max(0.0, (b - a).total_seconds())


def _after(calendar, start, seconds, kind) -> datetime:
    if seconds <= 0:
        return start
    if kind in WORKING_KINDS:
        return calendar.deadline(start, Limit(seconds / 3600, LimitKind.WORK_HOURS)).due
    return start + timedelta(seconds=seconds)


def _warn(case: Case, plan: Plan, now: datetime) -> Counter:
    if RANK[plan.alarm] <= RANK[case.alarm]:
        return Counter()
    # A case found already overdue gets one red warning, not a yellow and a red one. The unit
    # hears of it from the transition row (notices.fan_out), as of every other step.
    perform(case, "warn", None, data={"alarm": plan.alarm}, now=now)
    return Counter({plan.alarm: 1})


def _escalate(case: Case, plan: Plan, now: datetime) -> Counter:
    counts = Counter()
    # Each level in turn, even when a jump of the clock reaches both at once: they reach different people.
    for level in range(case.escalation + 1, plan.escalation + 1):
        perform(case, "escalate", None, data={"level": level}, now=now)
        counts["escalated"] += 1
    return counts


def overseers(case: Case, level: int) -> list:
    """Who hears of an escalation: level 1 the supervisors (值班长/督查), level 2 the leaders, each
    holding the role district-wide or for a region whose code is a prefix of the case's area;
    at level 2 also the leader who took the case in charge (包案)."""
    role = Role.SUPERVISOR if level == 1 else Role.LEADER
    prefixes = [case.area_code[:n] for n in range(1, len(case.area_code) + 1)]
    holders = RoleAssignment.objects.filter(role=role).filter(Q(region__isnull=True) | Q(region__code__in=prefixes))
    people = get_user_model().objects.filter(is_active=True)
    found = Q(pk__in=holders.values("user"))
    if level == 2 and case.owner_id:
        found |= Q(pk=case.owner_id)
    return list(people.filter(found).order_by("pk"))
