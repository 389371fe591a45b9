"""包案: a leader owns a hard or old matter until it is settled, with a plan (一案一策: what, who, by
when) and regular progress. The deadline worker looks at each owned matter: a plan step past its
date, or no progress for PROGRESS_DAYS, turns it yellow then red and 督办s it through the
engine's escalation (level 1 the supervisors, level 2 the leaders and the owner)."""

from datetime import date, datetime, timedelta

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from finegrid.cases.machine import SYSTEM, Action, Context, Input, Machine, TransitionError, watched_actions
from finegrid.cases.notices import Draft
from finegrid.cases.supervision import RANK, Plan, overseers_of, watch
from finegrid.org.models import Role, RoleAssignment

from .models import LeaderCase, LeaderCaseTransition
from .rules import local_day

PROGRESS_DAYS = 14  # a 包案 reports progress at least every two weeks
RED_DAYS = 30  # a month without progress, or a plan step a fortnight late: red and 督办
DAY = timedelta(days=1)
L = LeaderCase.State
OWNERS = frozenset({Role.LEADER, Role.PETITION_OFFICE})


def authority(user, act: Action, obj) -> str | None:
    """The petition office, and the leader who owns the matter (no other leader acts on it)."""
    if user is None or not user.is_authenticated:
        return None
    held = set(RoleAssignment.objects.filter(user=user, role__in=act.roles - {SYSTEM}).values_list("role", flat=True))
    if Role.PETITION_OFFICE in held:
        return Role.PETITION_OFFICE
    return Role.LEADER if Role.LEADER in held and obj.leader_id == user.pk else None


def check_plan(obj, step, ctx) -> None:
    steps = step.data.get("plan")
    if not isinstance(steps, list) or not steps:
        raise TransitionError(_("plan: at least one step (what, who, by when)"))
    for item in steps:
        if not (isinstance(item, dict) and item.get("what") and item.get("who") and _date(item.get("by"))):
            raise TransitionError(_("plan: each step needs what, who and a date (YYYY-MM-DD)"))


def _date(value) -> date | None:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def check_progress(obj, step, ctx) -> None:
    if not step.data.get("note", "").strip():
        raise TransitionError(_("note: say what was done"))
    done = step.data.get("done", [])
    if not isinstance(done, list) or any(not isinstance(i, int) or not 0 <= i < len(obj.plan) for i in done):
        raise TransitionError(_("done: the numbers of plan steps done"))


def progress(obj, step, ctx) -> dict:
    done = set(step.data.get("done", []))
    plan = [{**item, "done": item.get("done") or i in done} for i, item in enumerate(obj.plan)]
    return {"plan": plan, "last_progress_at": step.now, "alarm": "", "escalation": 0, "next_check_at": step.now}


def tell_overseers(row, obj) -> list[Draft]:
    level = row.data["level"]
    return [Draft("escalate", f"包案督办 {obj.petition.number} (level {level})", recipient_id=person.pk)
            for person in overseers_of(obj.area_code, level, obj.leader_id)]


def tell_leader(row, obj) -> list[Draft]:
    return [Draft(row.data.get("alarm", "info"), f"包案滞后 {obj.petition.number}", recipient_id=obj.leader_id)]


ACTIONS = {a.name: a for a in [
    Action("own", gettext_lazy("Take in charge (包案)"), frozenset({""}), L.OWNED, OWNERS | {SYSTEM}, automatic=True),
    Action("plan", gettext_lazy("Set the plan (一案一策)"), frozenset({L.OWNED}), None, OWNERS,
           inputs=(Input("plan", "plan", True),), check=check_plan,
           change=lambda obj, step, ctx: {"plan": step.data["plan"], "last_progress_at": step.now,
                                          "next_check_at": step.now}),
    Action("progress", gettext_lazy("Report progress"), frozenset({L.OWNED}), None, OWNERS,
           inputs=(Input("note", "text", True), Input("done", "list")), check=check_progress, change=progress),
    Action("settle", gettext_lazy("Settled"), frozenset({L.OWNED}), L.SETTLED, OWNERS, needs_reason=True,
           change=lambda obj, step, ctx: {"next_check_at": None, "alarm": "", "escalation": 0}),
    *watched_actions({L.OWNED}, warned=tell_leader, escalated=tell_overseers),
]}


def lag_days(case: LeaderCase, now: datetime) -> int:
    """Days behind: since the last progress beyond PROGRESS_DAYS, or past the latest open plan step."""
    today = local_day(now)
    silent = (today - local_day(case.last_progress_at)).days - PROGRESS_DAYS
    late = [(today - _date(item["by"])).days for item in case.plan if not item.get("done") and _date(item.get("by"))]
    return max([silent, *late, 0])


def leader_case_plan(case: LeaderCase, now: datetime, calendar) -> Plan:
    """Looked at every day while owned."""
    if case.state != L.OWNED:
        return Plan(case.alarm, case.escalation, None)
    lag = lag_days(case, now)
    alarm = max(case.alarm, "red" if lag >= RED_DAYS else "yellow" if lag > 0 else "", key=RANK.__getitem__)
    level = 2 if lag >= 2 * RED_DAYS else 1 if alarm == "red" else 0
    return Plan(alarm, max(case.escalation, level), now + DAY)


LEADER_CASES = Machine(model=LeaderCase, transitions=LeaderCaseTransition, subject="leader_case", actions=ACTIONS,
                       authority=authority, context=Context, link=lambda c: f"/petitions/leader-cases/{c.pk}/",
                       notice_related=("leader_case", "leader_case__petition"))
watch(LeaderCase, leader_case_plan, LEADER_CASES.perform, related=("unit", "petition"))


def take_in_charge(petition, leader, *, now: datetime, actor=None) -> LeaderCase:
    """包案: `leader` owns `petition` from now on, and may read its petitioner's identity whole."""
    case = LeaderCase(petition=petition, leader=leader, last_progress_at=now, area_code=petition.area_code,
                      unit=petition.unit, next_check_at=now + DAY)
    LEADER_CASES.open(case, "own", actor, now=now)
    type(petition).objects.filter(pk=petition.pk).update(leader=leader)
    petition.leader = leader
    return case
