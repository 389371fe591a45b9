"""The key task's and the ledger problem's action tables, machines, daily plans and cohorts: what
大督查 writes on the case engine. perform, the version lock, replay, the deadline worker,
escalation and notices are the engine's.

A task runs draft → issued → confirmed (签收) or adjusting (调整申请) → in_progress → done, or
cancelled. Its colour is never set by hand: each morning the plan compares the rolled-up
progress with the planned curve of its 序时节点 under the rules in force (`rules.py`). Red
escalates: level 1 writes a 督办单 to the lead unit and tells the leader in charge; an order
unanswered by its response deadline reaches the district's leaders (level 2)."""

from dataclasses import replace
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import F, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from finegrid.cases.calendar import Limit, LimitKind
from finegrid.cases.evaluation import Cohort, by_unit
from finegrid.cases.evidence import EvidenceError, check_file, stored_file
from finegrid.cases.machine import SYSTEM, Action, Context, Input, Machine, TransitionError, watched_actions
from finegrid.cases.notices import Draft
from finegrid.cases.supervision import Plan, overseers_of, watch, window_plan
from finegrid.org.models import Role, RoleAssignment, Unit

from . import measures as M
from . import review
from . import rules as R
from .models import (
    KeyTask, KeyTaskTransition, Milestone, Problem, ProblemTransition, ProgressReport, SupervisionOrder, TaskEvidence,
    TaskTarget,
)

T = KeyTask.State
OFFICE = Role.SUPERVISION_OFFICE
RUNNING = frozenset({T.CONFIRMED, T.IN_PROGRESS})  # the planned curve is watched
WATCHED = RUNNING | {T.ISSUED}  # an issued task must be confirmed in time
OPEN_STATES = frozenset({T.DRAFT, T.ISSUED, T.CONFIRMED, T.ADJUSTING, T.IN_PROGRESS})
ADJUSTMENT_REASONS = {
    "wording": gettext_lazy("The task's wording needs adjusting (任务表述调整)"),
    "not_ours": gettext_lazy("Not this unit's duty (非本单位职责)"),
    "follow_up": gettext_lazy("Cannot be finished for now; needs continued follow-up (暂时无法完成需持续跟进)"),
}
# Who acts for whom: a handler for the lead unit, or for a co-unit; a leader as the leader in charge.
FOR_LEAD_UNIT = frozenset({"confirm", "ask_adjustment", "report_progress", "respond"})
FOR_LEADER_IN_CHARGE = frozenset({"approve_adjustment", "reject_adjustment"})


def authority(user, act: Action, obj) -> str | None:
    if user is None or not user.is_authenticated:
        return None
    held = list(RoleAssignment.objects.filter(user=user, role__in=act.roles).values_list("role", "unit_id"))
    for role, unit_id in sorted(held, key=lambda pair: pair[0]):
        if role == Role.HANDLER:
            if act.name == "contribute":
                if unit_id and obj.co_units.filter(pk=unit_id).exists():
                    return role
            elif unit_id and unit_id == obj.unit_id:
                return role
        elif role == Role.LEADER and act.name in FOR_LEADER_IN_CHARGE:
            if obj.leader_id == user.pk:
                return role
        else:
            return role
    return None


# ── whom a step tells ─────────────────────────────────────────────────────────────────────────


def tell_unit(kind: str, title):
    def drafts(row, task) -> list[Draft]:
        text = f"{title}: {task.number} {task.title[:60]}"
        return [Draft(kind, text, unit_id=task.unit_id)] if task.unit_id else []
    return drafts


def tell_leader(kind: str, title):
    def drafts(row, task) -> list[Draft]:
        return [Draft(kind, f"{title}: {task.number} {task.title[:60]}", recipient_id=task.leader_id)] \
            if task.leader_id else []
    return drafts


def both(*tellers):
    return lambda row, task: [draft for teller in tellers for draft in teller(row, task)]


def tell_alarm(row, task) -> list[Draft]:
    word = _("red: behind plan") if row.data["alarm"] == "red" else _("yellow: behind plan")
    return tell_unit(row.data["alarm"], word)(row, task)


def tell_escalation(row, task) -> list[Draft]:
    """Level 1: the 督办单 to the lead unit and word to the leader in charge; level 2 (the order
    unanswered in time): the district's leaders and whoever took it in charge."""
    if row.data["level"] == 1:
        return both(tell_unit("supervise", _("督办单 issued")), tell_leader("escalate", _("Red key task")))(row, task)
    people = overseers_of(task.area_code, 2, task.owner_id)
    title = _("督办单 unanswered: %(task)s") % {"task": f"{task.number} {task.title[:60]}"}
    return [Draft("escalate", title, recipient_id=person.pk) for person in people] + \
        tell_leader("escalate", _("督办单 unanswered"))(row, task)


# ── the steps' checks and changes ─────────────────────────────────────────────────────────────


def has_children(task) -> bool:
    return task.branch


def ready_to_issue(task, ctx) -> str | None:
    if task.planned_end is None:
        return _("set a deadline first")
    if task.unit_id is None and not has_children(task):
        return _("set a lead unit first")
    return None


def issue(task, step, ctx) -> dict:
    rules = R.rules_at(step.now)
    due = ctx.calendar.deadline(step.now, Limit(rules.confirm_days, LimitKind.WORK_DAYS)).due
    start = task.planned_start or step.now
    return {"planned_start": start, "confirm_due": due, "next_check_at": step.now}


def parse_milestones(text: str) -> list[list]:
    """"2026-06-30:50; 2026-12-31:100" → [[ISO instant, 50], …], planned percents rising, each 1–100."""
    found = []
    for part in filter(None, (p.strip() for p in text.replace("；", ";").replace("\n", ";").split(";"))):
        day, _sep, percent = part.rpartition(":")
        try:
            at, value = R.end_of_day(day), int(percent)
        except ValueError:
            raise TransitionError(_("a milestone is written 2026-06-30:50, not %(text)s") % {"text": part})
        if not 0 < value <= 100 or (found and value < found[-1][1]):
            raise TransitionError(_("milestone percents rise from 1 to 100: %(text)s") % {"text": part})
        found.append([at.isoformat(), value])
    return sorted(found)


def deadline_of(step, task) -> datetime | None:
    text = (step.data.get("deadline") or "").strip()
    if not text:
        return task.planned_end
    try:
        return R.end_of_day(text)
    except ValueError:
        raise TransitionError(_("the deadline is a date such as 2026-12-31"))


def unit_of(code: str):
    found = Unit.objects.filter(Q(code=code) | Q(name=code), active=True).first()
    if found is None:
        raise TransitionError(_("no unit %(unit)s") % {"unit": code})
    return found


def leader_of(username: str):
    found = get_user_model().objects.filter(username=username, is_active=True,
                                            roles__role=Role.LEADER).first()
    if found is None:
        raise TransitionError(_("%(user)s is not a leader") % {"user": username})
    return found


def check_edit(task, step, ctx) -> None:
    data = step.data
    deadline_of(step, task)
    if data.get("milestones"):
        parse_milestones(data["milestones"])
    if data.get("weight"):
        try:
            assert float(data["weight"]) > 0
        except (ValueError, AssertionError):
            raise TransitionError(_("a weight is a number above 0"))
    if data.get("lead_unit"):
        unit_of(data["lead_unit"])
    for code in split_codes(data.get("co_units", "")):
        unit_of(code)
    if data.get("leader"):
        leader_of(data["leader"])


def split_codes(text: str) -> list[str]:
    return [c.strip() for c in text.replace("，", ",").replace("、", ",").split(",") if c.strip()]


def edit(task, step, ctx) -> dict:
    data, changes = step.data, {}
    if data.get("title", "").strip():
        changes["title"] = data["title"].strip()
    if data.get("deadline"):
        changes["planned_end"] = deadline_of(step, task)
    if data.get("weight"):
        changes["weight"] = float(data["weight"])
    if data.get("lead_unit"):
        changes["unit_id"] = unit_of(data["lead_unit"]).pk
    if data.get("leader"):
        changes["leader_id"] = leader_of(data["leader"]).pk
    if data.get("milestones"):
        changes["curve"] = parse_milestones(data["milestones"])
    return changes


def after_edit(task, step, row) -> None:
    if step.data.get("co_units") is not None and "co_units" in step.data:
        task.co_units.set([unit_of(code) for code in split_codes(step.data["co_units"])])
    if step.data.get("milestones"):
        write_milestones(task)


def write_milestones(task) -> None:
    Milestone.objects.filter(task=task, plan=task.plan).delete()
    Milestone.objects.bulk_create([Milestone(task=task, plan=task.plan, due=R.end_of_day(at), percent=percent)
                                   for at, percent in task.curve])


def check_adjustment(task, step, ctx) -> None:
    if step.data.get("kind") not in ADJUSTMENT_REASONS:
        raise TransitionError(_("choose why: %(kinds)s") % {"kinds": ", ".join(ADJUSTMENT_REASONS)})


def approve(task, step, ctx) -> dict:
    """An approved adjustment re-baselines: a new plan of milestones (the original stays), maybe a
    new deadline, wording or lead unit; the colour is judged afresh."""
    changes = {"plan": task.plan + 1, "planned_end": deadline_of(step, task), "alarm": "", "escalation": 0,
               "next_check_at": step.now}
    if step.data.get("milestones"):
        changes["curve"] = parse_milestones(step.data["milestones"])
    if step.data.get("title", "").strip():
        changes["title"] = step.data["title"].strip()
    if step.data.get("lead_unit"):
        changes["unit_id"] = unit_of(step.data["lead_unit"]).pk
    return changes


def check_approval(task, step, ctx) -> None:
    deadline_of(step, task)
    if step.data.get("milestones"):
        parse_milestones(step.data["milestones"])
    if step.data.get("lead_unit"):
        unit_of(step.data["lead_unit"])


def ready_to_report(task, ctx) -> str | None:
    if has_children(task):
        return _("a parent task's progress is its children's")
    # A batch that knows (the demo's year of reports) passes Context(task, measured=False): no query each.
    measured = ctx.__dict__.get("measured")
    if measured is None:
        measured = M.measured(task)
    return _("this task is measured by linked data") if measured else None


def measured_change(task, step, ctx) -> dict:
    percent = step.data["percent"]
    return {"progress": percent, "rolled": float(percent), "last_report_at": step.now, "alarm": "",
            "next_check_at": step.now}


def check_progress(task, step, ctx) -> None:
    """Over 100 % or below the last report needs a reason (a figure corrected, work undone)."""
    value = step.data.get("percent")
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise TransitionError(_("progress is a whole percentage"))
    if value > 100 and not step.reason:
        raise TransitionError(_("progress over 100 % needs a reason"))
    if value < task.progress and not step.reason:
        raise TransitionError(_("progress below the last report (%(last)s %%) needs a reason") % {
            "last": task.progress})
    pairs = split_codes(step.data.get("targets", ""))
    names = dict(TaskTarget.objects.filter(task=task).values_list("pk", "indicator")) if pairs else {}
    for pair in pairs:
        pk, _sep, figure = pair.partition("=")
        if not pk.strip().isdigit() or int(pk) not in names:
            raise TransitionError(_("this task has no target %(text)s") % {"text": pk.strip()})
        try:
            float(figure)
        except ValueError:
            raise TransitionError(_("the value reached for %(target)s is a number, not %(text)s") % {
                "target": names[int(pk)], "text": figure.strip()})


def progress(task, step, ctx) -> dict:
    percent = min(100, step.data["percent"])
    changes = {"progress": percent, "rolled": float(percent), "last_report_at": step.now, "alarm": "",
               "next_check_at": step.now}
    if task.escalation and not SupervisionOrder.objects.filter(task=task, responded_at__isnull=True).exists():
        changes["escalation"] = 0
    return changes


def after_report(task, step, row) -> None:
    ProgressReport.objects.create(
        task=task, transition=row, unit=step.unit or task.unit, period=step.data.get("period") or R.month_of(step.now),
        at=step.now, percent=min(100, step.data["percent"]) if "percent" in step.data else None,
        done=step.data.get("done", ""), problems=step.data.get("problems", ""),
        next_steps=step.data.get("next_steps", ""))
    for pair in split_codes(step.data.get("targets", "")):
        pk, _sep, figure = pair.partition("=")
        TaskTarget.objects.filter(task=task, pk=int(pk)).update(reached=float(figure))


def escalate_change(task, step, ctx) -> dict:
    changes = {"escalation": step.data["level"]}
    if step.data["level"] == 1:
        rules = R.rules_at(step.now)
        due = ctx.calendar.deadline(step.now, Limit(rules.response_days, LimitKind.WORK_DAYS)).due
        # The order's answer is due by then: the plan looks again at that moment for level 2.
        changes["next_check_at"] = min(due, task.next_check_at or due)
    return changes


def after_escalate(task, step, row) -> None:
    if step.data["level"] == 1:
        rules = R.rules_at(step.now)
        SupervisionOrder.objects.create(task=task, unit=task.unit, issued_at=step.now,
                                        response_due=response_deadline(step.now, rules))


def response_deadline(now: datetime, rules) -> datetime:
    from finegrid.cases.deadlines import calendar_in_force

    return calendar_in_force().deadline(now, Limit(rules.response_days, LimitKind.WORK_DAYS)).due


def ready_to_respond(task, ctx) -> str | None:
    return None if open_order(task) else _("no 督办单 is waiting for an answer")


def open_order(task):
    return SupervisionOrder.objects.filter(task=task, responded_at__isnull=True).order_by("issued_at").first()


def after_respond(task, step, row) -> None:
    SupervisionOrder.objects.filter(task=task, responded_at__isnull=True).update(
        responded_at=step.now, response=step.data.get("response", ""))


def ready_to_close(task, ctx) -> str | None:
    return None if task.rolled >= 100 else _("progress has not reached 100 %")


def attach(task, transition, uploads, user=None) -> list[TaskEvidence]:
    return [TaskEvidence.objects.create(task=task, transition=transition, **stored_file(upload)) for upload in uploads]


def _check_file(upload) -> None:
    try:
        check_file(upload)
    except EvidenceError as error:
        raise TransitionError(str(error))


_watched = {a.name: a for a in watched_actions(WATCHED, warned=tell_alarm, escalated=tell_escalation)}
TASK_ACTIONS = {a.name: a for a in [
    Action("create", gettext_lazy("Draft"), frozenset({""}), T.DRAFT, frozenset({OFFICE, SYSTEM}), automatic=True),
    Action("edit", gettext_lazy("Edit"), frozenset({T.DRAFT}), None, frozenset({OFFICE}),
           inputs=(Input("title"), Input("deadline"), Input("weight"), Input("lead_unit"), Input("co_units"),
                   Input("leader"), Input("milestones")),
           check=check_edit, change=edit, then=after_edit),
    Action("merge", gettext_lazy("Merge another task into this one"), frozenset({T.DRAFT}), None,
           frozenset({OFFICE}), inputs=(Input("other", required=True, label=gettext_lazy("the other task's id")),
                                        Input("title")),
           check=review.check_merge, change=review.merge, then=review.after_merge),
    Action("merged_away", gettext_lazy("Merged into another task"), frozenset({T.DRAFT}), T.CANCELLED,
           frozenset({OFFICE}), automatic=True, needs_reason=True, inputs=(Input("into", "int", required=True),),
           change=lambda task, step, ctx: {"weight": 0, "next_check_at": None}),
    Action("split", gettext_lazy("Split into parts"), frozenset({T.DRAFT}), None, frozenset({OFFICE}),
           inputs=(Input("cuts", required=True, label=gettext_lazy("where the passage is cut")),),
           check=review.check_split, change=lambda task, step, ctx: {"branch": True}, then=review.after_split),
    Action("link_measure", gettext_lazy("Measure by linked data"), frozenset({T.DRAFT, T.ISSUED, *RUNNING}), None,
           frozenset({OFFICE}), inputs=(Input("source", required=True), Input("target", required=True),
                                        *[Input(name) for name in M.param_names()]),
           ready=lambda task, ctx: _("a parent task's progress is its children's") if task.branch else None,
           check=M.check_link, then=M.after_link),
    Action("measured", gettext_lazy("Linked figure read"), frozenset(RUNNING), T.IN_PROGRESS, frozenset({SYSTEM}),
           automatic=True, inputs=(Input("percent", "int", True), Input("figure")), change=measured_change),
    Action("issue", gettext_lazy("Issue"), frozenset({T.DRAFT}), T.ISSUED, frozenset({OFFICE, SYSTEM}),
           ready=ready_to_issue, change=issue, notices=both(tell_unit("assign", gettext_lazy("New key task")),
                                                            tell_leader("info", gettext_lazy("Key task issued")))),
    Action("confirm", gettext_lazy("Confirm (签收)"), frozenset({T.ISSUED}), T.CONFIRMED, frozenset({Role.HANDLER}),
           change=lambda task, step, ctx: {"alarm": "", "next_check_at": step.now}),
    Action("ask_adjustment", gettext_lazy("Ask for an adjustment"), frozenset({T.ISSUED, *RUNNING}), T.ADJUSTING,
           frozenset({Role.HANDLER}), needs_reason=True, inputs=(Input("kind", required=True),),
           check=check_adjustment, change=lambda task, step, ctx: {"next_check_at": None},
           notices=tell_leader("adjust", gettext_lazy("Adjustment asked"))),
    Action("approve_adjustment", gettext_lazy("Approve the adjustment"), frozenset({T.ADJUSTING}), T.CONFIRMED,
           frozenset({Role.LEADER}), inputs=(Input("deadline"), Input("milestones"), Input("title"),
                                             Input("lead_unit")),
           check=check_approval, change=approve, counts="adjustment_count",
           then=lambda task, step, row: write_milestones(task) if step.data.get("milestones") else None,
           notices=tell_unit("info", gettext_lazy("Adjustment approved"))),
    Action("reject_adjustment", gettext_lazy("Refuse the adjustment"), frozenset({T.ADJUSTING}), T.CONFIRMED,
           frozenset({Role.LEADER}), needs_reason=True, change=lambda task, step, ctx: {"next_check_at": step.now},
           notices=tell_unit("info", gettext_lazy("Adjustment refused"))),
    Action("report_progress", gettext_lazy("Report progress"), frozenset(RUNNING), T.IN_PROGRESS,
           frozenset({Role.HANDLER}), photos=True,
           inputs=(Input("percent", "int", True), Input("period"), Input("done"), Input("problems"),
                   Input("next_steps"), Input("targets")),
           ready=ready_to_report, check=check_progress, change=progress, counts="report_count", then=after_report),
    Action("contribute", gettext_lazy("Co-unit contribution"), frozenset(RUNNING), None, frozenset({Role.HANDLER}),
           inputs=(Input("done", required=True), Input("period")),
           then=after_report, notices=tell_unit("info", gettext_lazy("Co-unit contribution"))),
    Action("respond", gettext_lazy("Answer the 督办单"), frozenset(WATCHED), None, frozenset({Role.HANDLER}),
           inputs=(Input("response", required=True),), ready=ready_to_respond, then=after_respond,
           notices=tell_leader("info", gettext_lazy("督办单 answered"))),
    Action("take", gettext_lazy("Take in charge (包案)"), frozenset(WATCHED | {T.ADJUSTING}), None,
           frozenset({Role.LEADER}), ready=lambda task, ctx: _("already taken in charge") if task.owner_id else None,
           change=lambda task, step, ctx: {"owner_id": step.actor.pk},
           notices=tell_unit("info", gettext_lazy("Taken in charge by a leader"))),
    Action("close", gettext_lazy("Close as done"), frozenset(RUNNING), T.DONE, frozenset({OFFICE}),
           ready=ready_to_close, change=lambda task, step, ctx: {"done_at": step.now, "next_check_at": None},
           notices=tell_unit("info", gettext_lazy("Key task closed"))),
    Action("cancel", gettext_lazy("Cancel"), OPEN_STATES, T.CANCELLED, frozenset({OFFICE}), needs_reason=True,
           change=lambda task, step, ctx: {"next_check_at": None}, notices=tell_unit("info", gettext_lazy("Cancelled"))),
    Action("remind", gettext_lazy("Reminder (催办)"), frozenset(RUNNING), None, frozenset({SYSTEM}), automatic=True,
           inputs=(Input("period", required=True),), change=lambda task, step, ctx: {"reminded": step.data["period"]},
           notices=tell_unit("remind", gettext_lazy("催办: this month's progress report is late"))),
    _watched["warn"],
    replace(_watched["escalate"], change=escalate_change, then=after_escalate),
]}


# The steps whose change clears a task's colour (the next morning's pass judges it afresh), and
# those that carry a reported percent: the bulletin replays them to tell a past month's standing.
CLEARS_ALARM = frozenset({"confirm", "report_progress", "approve_adjustment", "measured"})
REPORTS_PERCENT = frozenset({"report_progress", "measured"})


def task_link(task) -> str:
    return f"/tasks/{task.pk}/"


TASKS = Machine(model=KeyTask, transitions=KeyTaskTransition, subject="task", actions=TASK_ACTIONS,
                authority=authority, context=Context, link=task_link, attach=attach, check_file=_check_file,
                notice_fields=("id", "action", "data", "task__id", "task__number", "task__title", "task__unit_id",
                               "task__leader_id", "task__owner_id", "task__area_code"))


# ── the daily plan ────────────────────────────────────────────────────────────────────────────


def task_plan(task: KeyTask, now: datetime, calendar) -> Plan:
    """Each morning: the colour from the lag behind the planned curve and the milestones missed,
    level 1 when red, level 2 when a 督办单 went unanswered past its deadline, and a 催办 when the
    month's report is late."""
    if task.state == T.ISSUED:
        if task.unit_id is None:  # a section without a lead unit of its own: its children are confirmed
            return Plan(task.alarm, task.escalation, None)
        late = task.confirm_due is not None and now >= task.confirm_due
        alarm = max(task.alarm, "yellow" if late else "", key=R.RANK.__getitem__)
        return Plan(alarm, task.escalation, None if late else task.confirm_due)
    if task.state not in RUNNING:
        return Plan(task.alarm, task.escalation, None)
    rules = R.rules_at(now)
    points = R.curve_points(task.planned_start, task.planned_end, task.curve)
    lag = R.planned_at(points, now) - task.rolled
    overdue = task.planned_end is not None and now > task.planned_end and task.rolled < 100
    reached = R.colour(lag, R.missed_in_a_row(task.curve, task.rolled, now), rules, overdue)
    alarm = max(task.alarm, reached, key=R.RANK.__getitem__)
    level = max(task.escalation, int(alarm == "red"))
    order_due = None
    if level == 1:
        order = open_order(task) if task.escalation else None
        order_due = order.response_due if order else None
        if order_due and now >= order_due:
            level = 2
    return Plan(alarm, level, min(filter(None, (R.next_morning(now), order_due if level < 2 else None))),
                reminder(task, now, rules))


def reminder(task: KeyTask, now: datetime, rules) -> tuple:
    """催办 once a month, when the report is not in by the report day."""
    month = R.month_of(now)
    started = not task.branch and task.planned_start is not None and R.month_of(task.planned_start) < month
    filed = task.last_report_at is not None and R.month_of(task.last_report_at) == month
    if started and not filed and task.reminded != month and now > R.report_due(now, rules):
        return (("remind", {"period": month}),)
    return ()


watch(KeyTask, task_plan, TASKS.perform, batch=True)  # most tasks are quiet on most mornings


def roll_up(document_id=None) -> int:
    """A parent's progress is its children's, by weight (a cancelled child counts as done); one
    read of the trees, one write of what moved. Returns how many tasks changed."""
    rows = KeyTask.objects.all() if document_id is None else KeyTask.objects.filter(document_id=document_id)
    nodes = {pk: [parent, weight, state, progress, rolled]
             for pk, parent, weight, state, progress, rolled
             in rows.values_list("pk", "parent_id", "weight", "state", "progress", "rolled")}
    values = rolled_values(nodes)
    moved = [KeyTask(pk=pk, rolled=v) for pk, v in values.items() if abs(nodes[pk][4] - v) > 1e-9]
    KeyTask.objects.bulk_update(moved, ["rolled"], batch_size=1000)
    return len(moved)


def rolled_values(nodes: dict) -> dict:
    """{pk: [parent, weight, state, reported progress, …]} → {pk: rolled progress}: a leaf's is its
    report, a parent's its children's by weight (a cancelled child counts as done). Pure: the
    bulletin rolls up a past month's standing with it."""
    children: dict = {}
    for pk, (parent, *_rest) in nodes.items():
        children.setdefault(parent, []).append(pk)
    values: dict = {}

    def value_of(pk) -> float:
        if pk in values:
            return values[pk]
        reported = nodes[pk][3]
        kids = children.get(pk, [])
        if kids:
            total = sum(nodes[k][1] for k in kids)
            found = sum(nodes[k][1] * (100.0 if nodes[k][2] == T.CANCELLED else value_of(k)) for k in kids) / total \
                if total else 0.0
        else:
            found = float(reported)
        values[pk] = round(found, 2)
        return values[pk]

    for pk in nodes:  # recursion is enough: a tree is a few levels deep
        value_of(pk)
    return values


def step(now: datetime | None = None) -> dict:
    """The worker's step for key tasks: the linked figures read into progress, then the roll-up
    (the daily plan then reads both)."""
    from django.utils import timezone

    measured = M.read_measures(now or timezone.now())
    return {"measured": measured, "rolled": roll_up()}


# ── the 整改台账 ──────────────────────────────────────────────────────────────────────────────
P = Problem.State
PROBLEM_OPEN = frozenset({P.OPEN, P.SUBMITTED})


def problem_authority(user, act: Action, problem) -> str | None:
    if user is None or not user.is_authenticated:
        return None
    held = RoleAssignment.objects.filter(user=user, role__in=act.roles).values_list("role", "unit_id")
    for role, unit_id in held:
        if role != Role.HANDLER or unit_id == problem.unit_id:
            return role
    return None


def tell_problem_unit(kind, title):
    def drafts(row, problem) -> list[Draft]:
        return [Draft(kind, f"{title}: {problem.number} {problem.description[:60]}", unit_id=problem.unit_id)]
    return drafts


def check_submission(problem, step, ctx) -> None:
    if not step.data.get("evidence", "").strip():
        raise TransitionError(_("销号 needs the evidence that the closing condition is met"))


PROBLEM_ACTIONS = {a.name: a for a in [
    Action("register", gettext_lazy("Register"), frozenset({""}), P.OPEN, frozenset({OFFICE, SYSTEM}),
           automatic=True),
    Action("submit", gettext_lazy("Ask for 销号"), frozenset({P.OPEN}), P.SUBMITTED, frozenset({Role.HANDLER}),
           inputs=(Input("evidence", required=True),), check=check_submission,
           change=lambda p, step, ctx: {"evidence": step.data["evidence"].strip()}),
    Action("close", gettext_lazy("Approve 销号"), frozenset({P.SUBMITTED}), P.CLOSED, frozenset({OFFICE}),
           change=lambda p, step, ctx: {"closed_at": step.now, "next_check_at": None},
           notices=tell_problem_unit("info", gettext_lazy("销号 approved"))),
    Action("reject", gettext_lazy("Refuse 销号"), frozenset({P.SUBMITTED}), P.OPEN, frozenset({OFFICE}),
           needs_reason=True, notices=tell_problem_unit("info", gettext_lazy("销号 refused"))),
    *watched_actions(PROBLEM_OPEN, warned=lambda row, p: tell_problem_unit(row.data["alarm"], _("整改 deadline"))(row, p),
                     escalated=lambda row, p: [Draft("escalate", _("整改 overdue: %(n)s") % {"n": p.number},
                                                     recipient_id=person.pk)
                                               for person in overseers_of(p.area_code, row.data["level"])]),
]}
PROBLEMS = Machine(model=Problem, transitions=ProblemTransition, subject="problem", actions=PROBLEM_ACTIONS,
                   authority=problem_authority, context=Context, link=lambda p: f"/tasks/ledger/{p.pk}/")


def problem_plan(problem: Problem, now: datetime, calendar) -> Plan:
    if problem.state not in PROBLEM_OPEN:
        return Plan(problem.alarm, problem.escalation, None)
    return window_plan(problem.opened_at, problem.due_at, LimitKind.CALENDAR_DAYS, problem.alarm, problem.escalation,
                       now, calendar)


watch(Problem, problem_plan, PROBLEMS.perform, related=("unit",))


# ── 以实绩论英雄: the key tasks beside the cases ──────────────────────────────────────────────
COUNTED = tuple(s for s in T.values if s not in (T.DRAFT, T.CANCELLED))
KEY_TASKS = Cohort("keytasks", KeyTask, "planned_end", {
    "done_on_time": Q(done_at__lte=F("planned_end")),
    "on_pace": Q(alarm=""),
}, groupings={"unit": by_unit}, states=COUNTED,
    weights={"keytask_on_time_rate": 20, "keytask_pace_rate": 10, "keytask_response_rate": 5,
             "keytask_target_rate": 10})


@KEY_TASKS.indicator("keytask_on_time_rate", "按期完成率", gettext_lazy("Key tasks done on time"), {"unit"})
def keytask_on_time_rate(done_on_time, reported):
    """按期完成率 = key tasks done by their deadline ÷ key tasks whose deadline falls in the period."""
    return done_on_time, reported


@KEY_TASKS.indicator("keytask_pace_rate", "序时达标率", gettext_lazy("Key tasks on pace"), {"unit"})
def keytask_pace_rate(on_pace, reported):
    """序时达标率 = key tasks never flagged yellow or red against their planned curve ÷ key tasks due in the period."""
    return on_pace, reported


ORDERS = Cohort("keytask_orders", SupervisionOrder, "issued_at", {
    "answered_on_time": Q(responded_at__lte=F("response_due")),
}, groupings={"unit": by_unit})


@ORDERS.indicator("keytask_response_rate", "督办响应率", gettext_lazy("督办单 answered on time"), {"unit"})
def keytask_response_rate(answered_on_time, reported):
    """督办响应率 = 督办单 answered by their response deadline ÷ 督办单 issued in the period."""
    return answered_on_time, reported


MET = (Q(comparator=">=", reached__gte=F("value")) | Q(comparator=">", reached__gt=F("value"))
       | Q(comparator="<=", reached__lte=F("value")) | Q(comparator="<", reached__lt=F("value"))
       | Q(comparator="=", reached=F("value")))
TARGETS = Cohort("keytask_targets", TaskTarget, "task__planned_end", {"met": MET & Q(value__isnull=False)},
                 groupings={"unit": lambda rows: by_unit(rows, "task__unit")})


@TARGETS.indicator("keytask_target_rate", "目标达成率", gettext_lazy("Targets attained"), {"unit"})
def keytask_target_rate(met, reported):
    """目标达成率 = quantified targets whose reported value meets the target ÷ targets of the key tasks due in the period."""
    return met, reported


TASK_COHORTS = (KEY_TASKS, ORDERS, TARGETS)
