"""The shapes' action tables, machines, plans and watches: what a petition or key-task app writes,
and nothing more — perform, replay, the deadline worker, escalation and notices come from the
engine. Limits are calendar days (信访工作条例: 日)."""

from datetime import datetime, timedelta

from django.db.models import F, Q

from finegrid.cases.calendar import LimitKind
from finegrid.cases.evaluation import Cohort, by_area, by_unit
from finegrid.cases.machine import SYSTEM, Action, Context, Input, Machine, TransitionError, watched_actions
from finegrid.cases.notices import Draft
from finegrid.cases.supervision import Plan, overseers_of, watch, window_plan
from finegrid.org.models import Role, RoleAssignment

from .models import Matter, MatterTransition, Task, TaskTransition

DAY = timedelta(days=1)
ACCEPT_DAYS, HANDLE_DAYS, EXTEND_DAYS, REVIEW_WINDOW_DAYS, REVIEW_DAYS = 15, 60, 30, 30, 30
M = Matter.State
CLOCKED = frozenset({M.REGISTERED, M.HANDLING, M.REVIEWING})  # a clock runs on the office's side
STAFF = frozenset({Role.OPERATOR, Role.SUPERVISOR})


def authority(user, act: Action, obj) -> str | None:
    if user is None or not user.is_authenticated:
        return None
    held = set(RoleAssignment.objects.filter(user=user).values_list("role", flat=True))
    return next((role for role in sorted(act.roles - {SYSTEM}) if role in held), None)


# ── whom a step tells ────────────────────────────────────────────────────────────────────────


def tell_unit(kind: str, title: str):
    def drafts(row, obj) -> list[Draft]:
        return [Draft(kind if kind != "alarm" else row.data["alarm"], title, unit_id=obj.unit_id)] if obj.unit_id else []
    return drafts


def tell_overseers(row, obj) -> list[Draft]:
    level = row.data["level"]
    return [Draft("escalate", f"escalated (level {level})", recipient_id=person.pk)
            for person in overseers_of(obj.area_code, level, getattr(obj, "owner_id", None))]


# ── the petition's shape ─────────────────────────────────────────────────────────────────────


def clock(days: int, **more):
    """A change that starts a clock of `days` calendar days now."""
    return lambda obj, step, ctx: {"clock_start": step.now, "due_at": step.now + days * DAY,
                                   "next_check_at": step.now, "alarm": "", "escalation": 0, **more}


def extend(obj, step, ctx) -> dict:
    return {"due_at": obj.due_at + EXTEND_DAYS * DAY, "next_check_at": step.now}


def resume(obj, step, ctx) -> dict:
    """A hearing's days do not count: the deadline moves by the time it took."""
    return {"due_at": obj.due_at + (step.now - obj.paused_at), "paused_at": None, "next_check_at": step.now}


def answer(obj, step, ctx) -> dict:
    ends = step.now + REVIEW_WINDOW_DAYS * DAY  # the petitioner's side of the clock
    return {"answered_at": step.now, "window_ends": ends, "next_check_at": ends, "due_at": None, "alarm": "",
            "escalation": 0}


def check_review_window(obj, step, ctx) -> None:
    if step.now >= obj.window_ends:
        raise TransitionError("the 30 days to ask for 复查 have run out")


MATTER_ACTIONS = {a.name: a for a in [
    Action("register", "登记", frozenset({""}), M.REGISTERED, STAFF | {SYSTEM}, automatic=True),
    Action("accept", "受理", frozenset({M.REGISTERED}), M.HANDLING, STAFF, change=clock(HANDLE_DAYS)),
    Action("extend", "延期", frozenset({M.HANDLING}), None, STAFF, needs_reason=True, change=extend,
           counts="extension_count", ready=lambda obj, ctx: "extended once already" if obj.extension_count else None),
    Action("hear", "听证", frozenset({M.HANDLING}), None, STAFF,
           change=lambda obj, step, ctx: {"paused_at": step.now, "next_check_at": None},
           ready=lambda obj, ctx: "a hearing is on" if obj.paused_at else None),
    Action("resume", "听证结束", frozenset({M.HANDLING}), None, STAFF, change=resume,
           ready=lambda obj, ctx: None if obj.paused_at else "no hearing is on"),
    Action("answer", "答复", frozenset({M.HANDLING, M.REVIEWING}), M.ANSWERED, STAFF, change=answer,
           notices=tell_unit("info", "answered")),
    Action("review", "复查", frozenset({M.ANSWERED}), M.REVIEWING, STAFF | {Role.RESIDENT},
           check=check_review_window, change=clock(REVIEW_DAYS, window_ends=None)),
    Action("conclude", "终结", frozenset({M.ANSWERED}), M.CONCLUDED, frozenset({SYSTEM}), automatic=True,
           change=lambda obj, step, ctx: {"next_check_at": None}),
    *watched_actions(CLOCKED, warned=tell_unit("alarm", "deadline"), escalated=tell_overseers),
]}


def matter_plan(matter: Matter, now: datetime, calendar) -> Plan:
    if matter.state == M.ANSWERED:
        due = (("conclude", {}),) if now >= matter.window_ends else ()
        return Plan(matter.alarm, matter.escalation, None if due else matter.window_ends, due)
    if matter.state not in CLOCKED or matter.paused_at or matter.due_at is None:
        return Plan(matter.alarm, matter.escalation, None)
    return window_plan(matter.clock_start, matter.due_at, LimitKind.CALENDAR_DAYS, matter.alarm, matter.escalation,
                       now, calendar)


MATTERS = Machine(model=Matter, transitions=MatterTransition, subject="matter", actions=MATTER_ACTIONS,
                  authority=authority, context=Context, link=lambda m: f"/matters/{m.pk}/")
watch(Matter, matter_plan, MATTERS.perform, related=("unit",))


def register(*, area_code: str, unit, now: datetime) -> Matter:
    """登记: the 15 days to decide on 受理 start at once."""
    matter = Matter(area_code=area_code, unit=unit, registered_at=now, clock_start=now,
                    due_at=now + ACCEPT_DAYS * DAY, next_check_at=now)
    return MATTERS.open(matter, "register", now=now)


# ── the key task's shape ─────────────────────────────────────────────────────────────────────
T = Task.State
YELLOW_LAG, RED_LAG = 10, 30  # points behind the planned curve (银川 2025: 10–30 yellow, over 30 red)


def planned(task: Task, now: datetime) -> float:
    span = (task.planned_end - task.planned_start).total_seconds()
    return 100 * min(1.0, max(0.0, (now - task.planned_start).total_seconds() / span)) if span > 0 else 100.0


def task_plan(task: Task, now: datetime, calendar) -> Plan:
    """Looked at every day: lag = planned − reported progress, in points."""
    if task.state != T.ACTIVE:
        return Plan(task.alarm, task.escalation, None)
    lag = planned(task, now) - task.progress
    alarm = "red" if lag > RED_LAG else "yellow" if lag > YELLOW_LAG else ""
    rank = {"": 0, "yellow": 1, "red": 2}
    alarm = max(task.alarm, alarm, key=rank.__getitem__)
    return Plan(alarm, max(task.escalation, int(alarm == "red")), now + DAY)


def check_progress(task, step, ctx) -> None:
    value = step.data.get("progress")
    if not isinstance(value, int) or isinstance(value, bool) or not task.progress <= value < 100:
        raise TransitionError("progress is a whole percentage below 100, never lower than the last one")


TASK_ACTIONS = {a.name: a for a in [
    Action("assign", "分解下达", frozenset({""}), T.ACTIVE, STAFF | {SYSTEM}, automatic=True),
    # A report that catches up clears the flag; the next daily look decides afresh.
    Action("progress", "进度报告", frozenset({T.ACTIVE}), None, STAFF, inputs=(Input("progress", "int", True),),
           check=check_progress, change=lambda task, step, ctx: {
               "progress": step.data["progress"], "alarm": "", "escalation": 0, "next_check_at": step.now}),
    Action("complete", "完成", frozenset({T.ACTIVE}), T.DONE, STAFF,
           change=lambda task, step, ctx: {"progress": 100, "done_at": step.now, "next_check_at": None}),
    *watched_actions({T.ACTIVE}, warned=tell_unit("alarm", "behind plan"), escalated=tell_overseers),
]}
TASKS = Machine(model=Task, transitions=TaskTransition, subject="task", actions=TASK_ACTIONS,
                authority=authority, context=Context, link=lambda t: f"/tasks/{t.pk}/")
watch(Task, task_plan, TASKS.perform, related=("unit",))


# Judged by results: the tasks due in a period (by their planned end), as a cohort beside the cases.
TASK_RESULTS = Cohort("tasks", Task, "planned_end", {
    "done_on_time": Q(done_at__lte=F("planned_end")),
    "flagged_red": Q(escalation__gt=0),
}, groupings={"unit": by_unit, "street": by_area(9)}, weights={"task_on_time_rate": 30, "task_red_rate": 10})


@TASK_RESULTS.indicator("task_on_time_rate", "按期完成率", "On-time completion of key tasks", {"unit", "street"})
def task_on_time_rate(done_on_time, reported):
    """按期完成率 = tasks done by their planned end ÷ tasks whose planned end falls in the period."""
    return done_on_time, reported


@TASK_RESULTS.indicator("task_red_rate", "红牌率", "Key tasks flagged red", {"unit", "street"}, lower_is_better=True)
def task_red_rate(flagged_red, reported):
    """红牌率 = tasks escalated for lagging (red) ÷ tasks due in the period. Lower is better."""
    return flagged_red, reported
