"""One case being lived in memory, on the engine itself: each step runs the action table's own
change and record (`actions.ACTIONS`, `effects`), and the deadline worker's warnings and
escalations come from `supervision`'s own plan, at the very moments the worker would write them.
What is lived here replays clean under `finegrid check`."""

import random
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from finegrid.cases.actions import ACTIONS, SYSTEM
from finegrid.cases.calendar import WORKING_KINDS, Limit, LimitKind
from finegrid.cases.machine import Step
from finegrid.cases.supervision import RANK, RUNNING, plan_at, window_of
from .mix import LOCAL, STALE_WINDOW
from .world import World

RELATED = {"unit", "rule", "condition", "category", "master", "owner"}  # changes naming a row: kept as its id
RESTARTS = frozenset({"accept", "reopen"})  # the deadline's window starts afresh (supervision.window_start)


class Stop(Exception):
    """The story has reached `end`: the case stays where it is."""


class Lived:
    """What the table's checks and changes read (effects.Context), from the case in memory."""

    def __init__(self, sim: "Sim"):
        self.sim, self.calendar = sim, sim.world.calendar

    def last(self, action: str):
        for row in reversed(self.sim.rows):
            if row[1] == action:
                return SimpleNamespace(at=row[8], data=row[10])
        return None


class Sim:
    """A case being lived: its columns as attributes named like Case's attnames, and its transitions."""

    def __init__(self, world: World, key: int, **fields):
        self.world, self.key = world, key
        self.state, self.version, self.unit_id, self.unit_code = "", 0, None, ""
        self.alarm, self.escalation, self.due_at, self.next_check_at = "", 0, None, None
        self.rework_count = self.reassign_count = self.extension_count = 0
        self.reporter_actor, self.master, self.reporter_id, self.anonymous = None, None, None, False
        self.reporter_name = self.reporter_phone = self.external_id = ""
        self.window, self.window_key = None, None
        self.__dict__.update(fields)

    @property
    def category(self):
        return _as_rows(self.leaf)[0] if self.category_id else None

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
        if self.next_check_at is not None and at >= self.next_check_at:
            self._supervise(min(at, end))
        if at > end:
            raise Stop
        act = ACTIONS[action]
        if self.state not in act.sources:
            raise AssertionError(f"history story bug: {action} from {self.state!r} (case {self.key})")
        actor_id, label, role = actor or (None, "system", SYSTEM)
        if action == "report":  # as intake writes it
            label, role = (label if actor else self.channel), ""
        target = SimpleNamespace(pk=self.world.units[unit], code=unit) if unit else None
        self._take(at, act, actor_id, label, role, target, reason, data or NO_DATA)
        if self.state == self.stop_after:
            raise Stop
        return at

    def _take(self, at, act, actor_id, label, role, unit, reason, data) -> None:
        """One row of the history, its fields changed as `Machine.perform` changes them."""
        step, ctx = Step(None, role, at, reason, unit, data), Lived(self)
        if act.name == "accept":
            ctx.accepting = _as_rows(self.leaf)
        elif act.name == "merge":
            ctx.master = self.master
        changes = act.change(self, step, ctx) if act.change else {}
        if act.counts:
            changes[act.counts] = getattr(self, act.counts) + 1
        recorded = {**data, **act.record(self, step, ctx, changes)} if act.record else data
        self.rows.append((len(self.rows) + 1, act.name, self.state, act.target_from(self.state), actor_id, label, role,
                          unit.pk if unit else self.unit_id, at, reason, recorded))
        self._apply(changes, act.name, at)
        self.state, self.version, self.last, self.updated_at = act.target_from(self.state), self.version + 1, at, at

    def _apply(self, changes: dict, action: str, at: datetime) -> None:
        for name, value in changes.items():
            if name in RELATED:
                setattr(self, f"{name}_id", getattr(value, "pk", getattr(value, "id", None)) if value else None)
                if name == "unit":
                    self.unit_code = value.code if value else ""
            else:
                setattr(self, name, value)
        if action in RESTARTS:
            self.window_start = at
        if "limit_kind" in changes:
            self.limit = Limit(self.limit_value, LimitKind(self.limit_kind))

    # The deadline worker (supervision.py), ticking on time at each row's next_check_at.

    def _supervise(self, until: datetime) -> None:
        while self.next_check_at is not None and self.next_check_at <= until:
            moment = max(self.next_check_at, self.last)
            if self.state not in RUNNING or self.due_at is None:
                self.next_check_at = None  # the worker's claim finds nothing to watch
                return
            plan = plan_at(self._window(), self.alarm, self.escalation, moment)
            if RANK[plan.alarm] > RANK[self.alarm]:
                self._take(moment, WARN, None, "system", SYSTEM, None, "", {"alarm": plan.alarm})
            for level in range(self.escalation + 1, plan.escalation + 1):
                self._take(moment, ESCALATE, None, "system", SYSTEM, None, "", {"level": level})
            self.next_check_at = plan.next_check

    def _window(self):
        """supervision.window_of for the case's window, worked out once per window."""
        key = (self.window_start, self.due_at)
        if key != self.window_key:
            self.window, self.window_key = window_of(self.window_start, self.due_at, self.limit.kind,
                                                     self.world.calendar), key
        return self.window

    def moment(self, share: float) -> datetime:
        """When `share` of the case's limit is used, counted from its window's start."""
        kind, seconds = self.limit.kind, self.world.seconds(self.limit) * share
        if kind in WORKING_KINDS:  # in working hours: the same time, without re-deriving a day's length
            return self.world.calendar.deadline(self.window_start, Limit(seconds / 3600, LimitKind.WORK_HOURS)).due
        at = self.window_start + timedelta(seconds=seconds)
        return daytime(at, 8, 21) if kind == LimitKind.CALENDAR_DAYS else at


def _as_rows(leaf) -> tuple:
    """The leaf's category, rule and first condition as the table's changes read them, made once."""
    rows = getattr(leaf, "rows", None)
    if rows is None:
        rows = leaf.rows = (
            SimpleNamespace(pk=leaf.id, code=leaf.code),
            SimpleNamespace(pk=leaf.rule_id, verify_required=leaf.verify, check_required=leaf.check),
            SimpleNamespace(pk=leaf.condition_id, limit_value=leaf.limit.value, limit_kind=leaf.limit.kind))
    return rows


WARN, ESCALATE = ACTIONS["warn"], ACTIONS["escalate"]
NO_DATA: dict = {}  # shared, never changed: actions that add data build a new dict


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

