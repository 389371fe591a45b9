"""One case being lived in memory: its steps under `actions.ACTIONS` and the changes of `effects`,
and the deadline worker's warnings at the very moments `supervision` would write them."""

import random
from datetime import UTC, datetime, timedelta

from finegrid.cases.actions import ACTIONS, SYSTEM
from finegrid.cases.calendar import HOTLINE_TIERS, WORKING_KINDS, Limit, LimitKind, parse_limit
from finegrid.cases.supervision import LEADER_SHARE, RUNNING
from .mix import LOCAL, NEVER, STALE_WINDOW, S
from .world import World


class Stop(Exception):
    """The story has reached `end`: the case stays where it is."""


class Sim:
    """A case being lived: its columns as attributes named like Case's attnames, and its transitions."""

    def __init__(self, world: World, key: int, **fields):
        self.world, self.key = world, key
        self.state, self.version, self.unit_id, self.unit_code = "", 0, None, ""
        self.alarm, self.escalation, self.due_at, self.next_check_at, self.watch = "", 0, None, None, NEVER
        self.rework_count = self.reassign_count = self.extension_count = 0
        self.reporter_actor, self.master, self.reporter_id, self.anonymous = None, None, None, False
        self.reporter_name = self.reporter_phone = self.external_id = ""
        self.__dict__.update(fields)

    def run(self, story, seed: int, stop_after: str = "") -> None:
        """Live the story up to `end` (or until the case reaches `stop_after`). Each case draws
        from its own generator, so living it again gives the same story."""
        if self.reported_at >= self.world.end - STALE_WINDOW:
            self.initial = dict(self.__dict__)  # to live it again, cut short (keep_live_work)
        self.story, self.stop_after, self.last, self.rows = story, stop_after, self.reported_at, []
        try:
            story(self, self.world, random.Random(seed * 1_000_003 + self.key))
        except Stop:
            pass
        self._supervise(self.world.end)
        self._schedule()

    def rerun(self, seed: int, stop_after: str) -> None:
        story, initial = self.story, self.initial
        self.__dict__.clear()
        self.__dict__.update(initial)
        self.run(story, seed, stop_after)

    def step(self, at: datetime, action: str, actor: tuple | None = None, *, unit: str = "", reason: str = "",
             data: dict | None = None) -> datetime:
        """`action` at `at` (never before the last step) as `workflow.perform` takes it; the deadline
        worker's own steps come first when their moments fall before."""
        if at.microsecond:
            at = at.replace(microsecond=0)
        at, end = max(at, self.last), self.world.end
        if at >= self.watch:
            self._supervise(min(at, end))
        if at > end:
            raise Stop
        act, before = ACTIONS[action], self.unit_id
        if self.state not in act.sources:
            raise AssertionError(f"history story bug: {action} from {self.state!r} (case {self.key})")
        to_state = act.target_from(self.state)
        effect = EFFECTS.get(action)
        recorded = effect(self, at, unit, data or NO_DATA) if effect else data or NO_DATA
        actor_id, label, role = actor or (None, "system", SYSTEM)
        if action == "report":  # as reporting.open_case writes it
            label, role = (label if actor else self.channel), ""
        unit_id = self.world.units[unit] if unit else before
        self.rows.append((len(self.rows) + 1, action, self.state, to_state, actor_id, label, role, unit_id, at,
                          reason, recorded))
        self.state, self.version, self.last, self.updated_at = to_state, self.version + 1, at, at
        if to_state == self.stop_after:
            raise Stop
        return at

    # The deadline worker (supervision.py), ticking on time: yellow at 80 % of the window, red and
    # escalation level 1 at the deadline, level 2 at 150 %, for as long as the case is RUNNING.

    def _supervise(self, until: datetime) -> None:
        while self.state in RUNNING and self.due_at is not None:
            moment, alarm, level = self._next(until)
            if moment is None or moment > until:
                self.watch = self._earliest()
                return
            moment = max(moment, self.last)
            if alarm:
                self._system(moment, "warn", {"alarm": alarm})
                self.alarm = alarm
            for step_level in range(self.escalation + 1, level + 1):
                self._system(moment, "escalate", {"level": step_level})
                self.escalation = step_level

    def _next(self, until: datetime):
        """The worker's next moment up to `until` (or None when none can come by then), with the
        alarm and escalation level it brings. Exact moments need the calendar; wall time is never
        shorter than working time, so most are ruled out without it."""
        candidates = []
        if self.alarm == "":
            candidates.append((self._at(0.8, until), "yellow", 0))
        if self.alarm != "red":
            candidates.append((self.due_at, "red", 1))
        if self.escalation < 2:
            candidates.append((self._at(LEADER_SHARE, until), "", 2))
        candidates = [c for c in candidates if c[0] is not None]
        if not candidates:
            return None, "", 0
        moment = min(c[0] for c in candidates)
        alarm = "red" if moment >= self.due_at else ("yellow" if self.alarm == "" else "")
        level = 2 if any(c[2] == 2 and c[0] <= moment for c in candidates) else (1 if moment >= self.due_at else 0)
        if alarm == self.alarm:
            alarm = ""
        return moment, alarm, max(level, self.escalation)

    def _earliest(self) -> datetime:
        """No worker moment can come before this (exact moments where known, else lower bounds)."""
        bounds = [NEVER]
        if self.alarm == "":
            bounds.append(self._bound(0.8))
        if self.alarm != "red":
            bounds.append(self.due_at)
        if self.escalation < 2:
            bounds.append(self._bound(LEADER_SHARE))
        return min(bounds)

    def _bound(self, share: float) -> datetime:
        return self.moments.get(share) or self.window_start + timedelta(seconds=self.window * share)

    def _at(self, share: float, until: datetime | None):
        """When `share` of the window has passed (None if surely after `until`), as supervision.moments."""
        if share in self.moments:
            return self.moments[share]
        seconds = self.window * share
        if self.limit.kind not in WORKING_KINDS:
            at = self.window_start + timedelta(seconds=seconds)
        elif until is not None and self.window_start + timedelta(seconds=seconds) > until:
            return None
        else:
            at = self.world.calendar.deadline(self.window_start, Limit(seconds / 3600, LimitKind.WORK_HOURS)).due
        self.moments[share] = at
        return at

    def _system(self, at: datetime, action: str, data: dict) -> None:
        self.rows.append((len(self.rows) + 1, action, self.state, self.state, None, "system", SYSTEM, self.unit_id,
                          at, "", data))
        self.version, self.last, self.updated_at = self.version + 1, at, at

    def _schedule(self) -> None:
        """next_check_at as the worker leaves it: its next moment for a running case."""
        if self.state in RUNNING and self.due_at is not None:
            moment, _alarm, _level = self._next(None)
            self.next_check_at = moment if moment and moment > self.world.end else None

    def _open_window(self, start: datetime):
        deadline = self.world.calendar.deadline(start, self.limit)
        self.window_start, self.window = start, self.world.seconds(self.limit)
        self.moments, self.watch = {}, start
        self.due_at = deadline.due
        return deadline

    def moment(self, share: float) -> datetime:
        """When `share` of the case's limit is used, counted from its window's start."""
        kind, seconds = self.limit.kind, self.world.seconds(self.limit) * share
        if kind in WORKING_KINDS:  # in working hours: the same time, without re-deriving a day's length
            return self.world.calendar.deadline(self.window_start, Limit(seconds / 3600, LimitKind.WORK_HOURS)).due
        at = self.window_start + timedelta(seconds=seconds)
        return daytime(at, 8, 21) if kind == LimitKind.CALENDAR_DAYS else at


def _effect_accept(sim, at, unit, data):
    sim.limit = HOTLINE_TIERS.get(sim.urgency) or sim.leaf.limit
    deadline = sim._open_window(at)
    sim.rule_id, sim.condition_id, sim.limit_value, sim.limit_kind = (
        sim.leaf.rule_id, sim.leaf.condition_id, sim.limit.value, sim.limit.kind.value)
    sim.accepted_at, sim.due_provisional, sim.next_check_at, sim.alarm = at, deadline.provisional, at, ""
    return {**data, "due_at": deadline.due.isoformat()}


def _effect_dispatch(sim, at, unit, data):
    sim.unit_id, sim.unit_code, sim.dispatched_at, sim.next_check_at = sim.world.units[unit], unit, at, at
    return {**data, "unit": unit}


def _effect_reassign(sim, at, unit, data):
    sim.reassign_count += 1
    return _effect_dispatch(sim, at, unit, data)


def _effect_send_back(sim, at, unit, data):
    if sim.state in (S.DISPATCHED, S.HANDLING):
        sim.unit_id, sim.unit_code, sim.dispatched_at = None, "", None
    return data


def _effect_reopen(sim, at, unit, data):
    sim._open_window(at)  # supervision.window_start: a reopened case's window starts afresh
    sim.closed_at, sim.rating, sim.next_check_at, sim.alarm = None, None, at, ""
    sim.rework_count += 1
    return {**data, "due_at": sim.due_at.isoformat()}


def _effect_extend_approve(sim, at, unit, data):
    calendar = sim.world.calendar
    sim.due_at = calendar.deadline(sim.due_at, sim.requested).due
    sim.window = (calendar.working_seconds_between(sim.window_start, sim.due_at) if sim.limit.kind in WORKING_KINDS
                  else (sim.due_at - sim.window_start).total_seconds())
    sim.extension_pending, sim.next_check_at, sim.moments, sim.watch = False, at, {}, at
    sim.extension_count += 1
    return {**data, "due_at": sim.due_at.isoformat()}


def _effect_extend_request(sim, at, unit, data):
    sim.extension_pending, sim.requested = True, parse_limit(data["limit"])
    return data


def _update(sim, data: dict, **changes) -> dict:
    sim.__dict__.update(changes)
    return data


EFFECTS = {  # effects.CHANGES, on the case being lived
    "accept": _effect_accept,
    "dispatch": _effect_dispatch,
    "reassign": _effect_reassign,
    "send_back": _effect_send_back,
    "report_done": lambda sim, at, unit, data: _update(sim, data, handled_at=at),
    "rework": lambda sim, at, unit, data: _update(sim, data, handled_at=None, rework_count=sim.rework_count + 1),
    "close": lambda sim, at, unit, data: _update(sim, data, closed_at=at, next_check_at=None),
    "rate": lambda sim, at, unit, data: _update(sim, data, rating=data["rating"]),
    "reopen": _effect_reopen,
    "extend_request": _effect_extend_request,
    "extend_approve": _effect_extend_approve,
    "extend_reject": lambda sim, at, unit, data: _update(sim, data, extension_pending=False),
    "park": lambda sim, at, unit, data: _update(sim, data, next_check_at=None),
    "void": lambda sim, at, unit, data: _update(sim, data, next_check_at=None),
    "merge": lambda sim, at, unit, data: _update(sim, data, master_id=sim.master.id, next_check_at=None),
}
NO_DATA: dict = {}  # shared, never changed: effects that add data build a new dict


def daytime(at: datetime, first_hour: int = 8, last_hour: int = 18, rng: random.Random | None = None) -> datetime:
    """`at`, or a little after `first_hour` (local) the next morning when `at` falls outside the day's hours."""
    local = at + LOCAL
    if first_hour <= local.hour < last_hour:
        return at
    day = local.date() if local.hour < first_hour else local.date() + timedelta(days=1)
    morning = datetime(day.year, day.month, day.day, first_hour, tzinfo=UTC) - LOCAL
    spread = rng.randrange(2700) if rng else (local.minute * 60 + local.second) % 2700
    return morning + timedelta(seconds=spread)


def human(at: datetime, before: datetime, rng: random.Random) -> datetime:
    """A person's step at `at`, moved into the day when that still comes before `before`."""
    moved = daytime(at, 8, 18, rng)
    return moved if moved < before else at


def minutes(rng: random.Random, low: float, high: float) -> timedelta:
    return timedelta(seconds=round(rng.uniform(low, high) * 60))

