"""督办: the deadline worker, for any model the engine runs. Each tick looks only at rows whose
`next_check_at` has come, asks the model's plan what the row must look like now — its alarm
(yellow 临期, red 超期), its escalation level (1: the area's supervisors; 2: its leaders) and any
automatic step now due (a petitioner's 30 days to ask for 复查 run out) — takes the steps through
the model's own machine (`warn`, `escalate`, …), and stores the next moment anything can happen.

Healthchecks' `sendalerts` is the model: one indexed column, polled; every row claimed with a
conditional UPDATE whose row count says who won. Each row is handled in its own transaction, so
a worker killed mid-tick loses nothing (the row keeps its due `next_check_at`) and does nothing
twice (levels only rise, and every decision compares against the stored level). Whom a warning
or an escalation reaches is the action's own `notices`, told from the transition row.

A model joins with `watch(model, plan, perform)`. Plans for the usual shapes are here:
`window_plan` for a time limit counted from a start (a case's 处置时限, a petition's 办理 60 days),
and the case's own `plan_for`; a model whose lag is not about time (a key task behind its
planned progress) writes its own plan and returns the same `Plan`."""

import logging
from collections import Counter
from collections.abc import Callable
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
RETRY = timedelta(minutes=5)  # a row whose handling raised is tried again after this
COUNTS = ("claimed", "yellow", "red", "escalated", "acted", "rescheduled", "cleared", "conflicts", "errors")


@dataclass(frozen=True)
class Plan:
    """What a row must look like at `now`: levels never below the stored ones, when to look again,
    and the automatic steps due now, as (action, data) pairs."""

    alarm: str
    escalation: int
    next_check: datetime | None
    due: tuple = ()


@dataclass(frozen=True)
class Watch:
    """A model the worker watches: `plan(obj, now, calendar)` → Plan; `perform` takes the steps
    (its machine's perform); `related` is read with each row."""

    model: type
    plan: Callable
    perform: Callable
    related: tuple = ()
    batch: bool = False  # quiet rows claimed many at a time (see _claim_quiet)


WATCHES: list[Watch] = []


def watch(model, plan: Callable, perform: Callable, related: tuple = (), batch: bool = False) -> Watch:
    """Registers a model with the deadline worker (once; a second call replaces the first).
    `batch`: a model looked at every day whatever happens (a key task against its curve) has
    most rows quiet on most days; those are rescheduled in grouped UPDATEs, the others taken
    one by one as always."""
    found = Watch(model, plan, perform, related, batch)
    WATCHES[:] = [w for w in WATCHES if w.model is not model] + [found]
    return found


def tick(now: datetime | None = None, limit: int = 500, models: tuple | None = None) -> dict:
    """One pass of the worker over the rows of every watched model due at `now` (at most `limit`
    each), or of `models` only (an app replaying its own history, a benchmark); returns the counts."""
    now = now or timezone.now()
    counts, calendar = Counter(), None
    for watched in WATCHES if models is None else [w for w in WATCHES if w.model in models]:
        # The only query per model when nothing is due: a range scan of the next_check_at index.
        due = list(watched.model.objects.filter(next_check_at__lte=now).order_by("next_check_at")
                   .values_list("pk", "next_check_at")[:limit])
        calendar = calendar or (deadlines.calendar_in_force() if due else None)
        if watched.batch:
            quiet, due = _claim_quiet(watched, due, now, calendar)
            counts += quiet
        for pk, seen in due:
            counts += _take(watched, pk, seen, now, calendar)
    return {key: counts[key] for key in COUNTS}


QUIET_CHUNK = 500


def _claim_quiet(watched: Watch, due: list, now: datetime, calendar: WorkCalendar) -> tuple[Counter, list]:
    """Reads the due rows a chunk at a time and reschedules those whose plan changes nothing but
    the next look, grouped by (seen, next) in one conditional UPDATE each — the same claim as
    `supervise`'s, on next_check_at, so a row a person or another worker touched meanwhile is
    left alone. Returns the counts and the rows that need their steps taken one by one."""
    counts, loud = Counter(), []
    for start in range(0, len(due), QUIET_CHUNK):
        chunk = due[start:start + QUIET_CHUNK]
        rows = watched.model.objects.select_related(*watched.related).in_bulk([pk for pk, _ in chunk])
        groups: dict = {}
        for pk, seen in chunk:
            obj = rows.get(pk)
            if obj is None or obj.next_check_at != seen:
                continue
            plan = watched.plan(obj, now, calendar)
            if RANK[plan.alarm] <= RANK[obj.alarm] and plan.escalation <= obj.escalation and not plan.due:
                groups.setdefault((seen, plan.next_check), []).append(pk)
            else:
                loud.append((pk, seen))
        with transaction.atomic():
            for (seen, upcoming), pks in groups.items():
                claimed = watched.model.objects.filter(pk__in=pks, next_check_at=seen).update(next_check_at=upcoming)
                counts["claimed"] += claimed
                counts["rescheduled" if upcoming else "cleared"] += claimed
    return counts, loud


def _take(watched: Watch, pk: int, seen: datetime, now: datetime, calendar: WorkCalendar) -> Counter:
    try:
        with transaction.atomic():
            obj = _lock(watched, pk, seen)
            return supervise(obj, seen, now, calendar, watched) if obj else Counter()
    except Exception:  # one broken row must not stop the others behind it
        logger.exception("supervision of %s %s failed; trying again in %s", watched.model.__name__, pk, RETRY)
        watched.model.objects.filter(pk=pk, next_check_at=seen).update(next_check_at=now + RETRY)
        return Counter(errors=1)


def _lock(watched: Watch, pk: int, seen: datetime):
    # On PostgreSQL a second worker skips a row the first holds instead of waiting for it; on
    # SQLite the transaction's write lock (IMMEDIATE) serialises workers and this is a plain read.
    rows = watched.model.objects.select_for_update(skip_locked=True, of=("self",)).select_related(*watched.related)
    return rows.filter(pk=pk, next_check_at=seen).first()


def supervise(obj, seen: datetime, now: datetime, calendar: WorkCalendar, watched: Watch | None = None) -> Counter:
    """Claims `obj` (whose next_check_at was `seen`), then warns, escalates and acts as its plan says."""
    watched = watched or CASE_WATCH
    plan = watched.plan(obj, now, calendar)
    claimed = watched.model.objects.filter(pk=obj.pk, next_check_at=seen).update(next_check_at=plan.next_check)
    if not claimed:  # another worker, or a person's action, got there first
        return Counter()
    obj.next_check_at = plan.next_check
    counts = Counter(claimed=1)
    counts["rescheduled" if plan.next_check else "cleared"] += 1
    try:
        counts += _warn(watched, obj, plan, now)
        counts += _escalate(watched, obj, plan, now)
        counts += _act(watched, obj, plan, now)
    except Conflict:  # a person acted between our read and our write: look again at the next tick
        watched.model.objects.filter(pk=obj.pk).update(next_check_at=now)
        counts["conflicts"] += 1
    return counts


def _warn(watched: Watch, obj, plan: Plan, now: datetime) -> Counter:
    if RANK[plan.alarm] <= RANK[obj.alarm]:
        return Counter()
    # One found already overdue gets one red warning, not a yellow and a red one. Whoever must
    # hear of it does so from the transition row (notices.fan_out), as of every other step.
    watched.perform(obj, "warn", None, data={"alarm": plan.alarm}, now=now)
    return Counter({plan.alarm: 1})


def _escalate(watched: Watch, obj, plan: Plan, now: datetime) -> Counter:
    counts = Counter()
    # Each level in turn, even when a jump of the clock reaches both at once: they reach different people.
    for level in range(obj.escalation + 1, plan.escalation + 1):
        watched.perform(obj, "escalate", None, data={"level": level}, now=now)
        counts["escalated"] += 1
    return counts


def _act(watched: Watch, obj, plan: Plan, now: datetime) -> Counter:
    for action, data in plan.due:
        watched.perform(obj, action, None, data=data, now=now)
    return Counter(acted=len(plan.due))


# ── plans ─────────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Window:
    """The moments of a time window: 临期 at 80 % of it, 超期 and level 1 at its end, the leaders
    (level 2) once it is overrun by a further half. A window of no length has no level 2."""

    yellow: datetime
    due: datetime
    leaders: datetime | None


def window_of(start: datetime, due: datetime, kind: LimitKind, calendar: WorkCalendar) -> Window:
    """The window from `start` to `due`, counted in `kind` time. The window, not the category's
    limit: an extended (延期) deadline is measured against itself."""
    window = _elapsed(calendar, start, due, kind)
    if window <= 0:
        return Window(due, due, None)
    return Window(_after(calendar, start, window * deadlines.YELLOW_SHARE, kind), due,
                  _after(calendar, start, window * LEADER_SHARE, kind))


def plan_at(window: Window, alarm: str, escalation: int, now: datetime) -> Plan:
    """The levels a window's owner must have at `now` (never below the stored ones) and the next
    moment one can rise. Pure: a clock that jumps does no harm."""
    reached = "red" if now >= window.due else "yellow" if now >= window.yellow else ""
    alarm = max(alarm, reached, key=RANK.__getitem__)
    level = 0 if now < window.due else 2 if window.leaders and now >= window.leaders else 1
    escalation = max(escalation, level)
    upcoming = [moment for moment, pending in ((window.yellow, RANK[alarm] < 1), (window.due, RANK[alarm] < 2),
                                               (window.leaders, escalation < 2)) if pending and moment and moment > now]
    return Plan(alarm, escalation, min(upcoming, default=None))


def window_plan(start: datetime, due: datetime, kind: LimitKind, alarm: str, escalation: int, now: datetime,
                calendar: WorkCalendar) -> Plan:
    """A time window's plan at `now` (a case's 处置时限, a petition's 办理 60 days)."""
    return plan_at(window_of(start, due, kind, calendar), alarm, escalation, now)


def plan_for(case: Case, now: datetime, calendar: WorkCalendar) -> Plan:
    """The alarm and escalation `case` must have at `now`, and the next moment either can rise."""
    if case.state not in RUNNING or case.due_at is None:
        return Plan(case.alarm, case.escalation, None)
    kind = LimitKind(case.limit_kind) if case.limit_kind else LimitKind.CALENDAR_DAYS
    return window_plan(window_start(case), case.due_at, kind, case.alarm, case.escalation, now, calendar)


def window_start(case: Case) -> datetime:
    """Where the case's time window begins: its 立案, or its reopening after a bad rating, whose
    deadline is counted afresh (the reopen moves due_at but leaves accepted_at alone)."""
    start = case.accepted_at or case.due_at
    if case.rework_count:
        reopened = case.transitions.filter(action="reopen").order_by("-seq").values_list("at", flat=True).first()
        start = max(start, reopened) if reopened else start
    return start


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


def overseers_of(area_code: str, level: int, owner_id: int | None = None) -> list:
    """Who hears of an escalation: level 1 the supervisors (值班长/督查), level 2 the leaders, each
    holding the role district-wide or for a region whose code is a prefix of `area_code`; at
    level 2 also the leader who took the matter in charge (包案)."""
    role = Role.SUPERVISOR if level == 1 else Role.LEADER
    prefixes = [area_code[:n] for n in range(1, len(area_code) + 1)]
    holders = RoleAssignment.objects.filter(role=role).filter(Q(region__isnull=True) | Q(region__code__in=prefixes))
    people = get_user_model().objects.filter(is_active=True)
    found = Q(pk__in=holders.values("user"))
    if level == 2 and owner_id:
        found |= Q(pk=owner_id)
    return list(people.filter(found).order_by("pk"))


def overseers(case: Case, level: int) -> list:
    return overseers_of(case.area_code, level, case.owner_id)


def _perform_on_case(*args, **kwargs):
    return perform(*args, **kwargs)  # looked up at call time, so a test may replace it


CASE_WATCH = watch(Case, plan_for, _perform_on_case, related=("unit",))
