"""The state machine of a case (GB/T 30428 and 接诉即办) as one table: each action names the
states it may start from, the state it leads to, who may take it, and whether a reason is owed.

信息采集 → 核实 → 立案 → 派遣 → 处置 → 反馈 → 核查 → 结案 → 评价, with the side paths 回退, 改派,
返工, 延期, 挂账, 作废, 合并, 包案, 督办 and reopening after a bad rating."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from finegrid.org.models import Role

from .models import Case

S = Case.State
OPEN = frozenset({S.COLLECTED, S.VERIFIED, S.ACCEPTED, S.DISPATCHED, S.HANDLING, S.HANDLED, S.CHECKED, S.PARKED})
WITH_UNIT = frozenset({S.DISPATCHED, S.HANDLING})
FINAL = frozenset({S.CLOSED, S.RATED, S.VOID, S.MERGED})
SYSTEM = "system"  # the worker and automatic dispatch act under this role

OFFICE = frozenset({Role.OPERATOR, Role.DISPATCHER, Role.ADMIN})
SUPERVISION = frozenset({Role.SUPERVISOR, Role.LEADER, Role.ADMIN})

# 回退 goes one step back; the step depends on where the case is.
SEND_BACK_TO = {S.VERIFIED: S.COLLECTED, S.ACCEPTED: S.COLLECTED, S.DISPATCHED: S.ACCEPTED, S.HANDLING: S.ACCEPTED,
                S.HANDLED: S.HANDLING, S.CHECKED: S.HANDLED}


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    sources: frozenset
    target: str | None  # None: the state does not change (延期, 包案, 督办, warnings)
    roles: frozenset
    needs_reason: bool = False

    def target_from(self, state: str) -> str:
        if self.name == "send_back":
            return SEND_BACK_TO[state]
        return self.target or state


def _action(name, label, sources, target, roles, needs_reason=False) -> Action:
    return Action(name, label, frozenset(sources), target, frozenset(roles), needs_reason)


ACTIONS = {a.name: a for a in [
    _action("report", _("Report"), [""], S.COLLECTED, set(Role) | {SYSTEM}),
    _action("verify", _("Verify on site (核实)"), [S.COLLECTED], S.VERIFIED, {Role.GRID_WORKER, Role.OPERATOR}),
    _action("accept", _("Accept (立案)"), [S.COLLECTED, S.VERIFIED], S.ACCEPTED, OFFICE | {SYSTEM}),
    _action("dispatch", _("Dispatch (派遣)"), [S.ACCEPTED], S.DISPATCHED, OFFICE | {SYSTEM}),
    _action("start", _("Start handling (处置)"), [S.DISPATCHED], S.HANDLING, {Role.HANDLER}),
    _action("report_done", _("Report done (反馈)"), WITH_UNIT, S.HANDLED, {Role.HANDLER}),
    _action("check_ok", _("Check on site: done (核查)"), [S.HANDLED], S.CHECKED, {Role.GRID_WORKER, Role.OPERATOR}),
    _action("rework", _("Check failed: rework (返工)"), [S.HANDLED, S.CHECKED], S.HANDLING,
            {Role.GRID_WORKER, Role.OPERATOR}, needs_reason=True),
    _action("close", _("Close (结案)"), [S.HANDLED, S.CHECKED], S.CLOSED, OFFICE),
    _action("rate", _("Rate (评价)"), [S.CLOSED], S.RATED, {Role.RESIDENT, Role.OPERATOR, SYSTEM}),
    _action("reopen", _("Reopen after a bad rating"), [S.RATED], S.DISPATCHED, OFFICE | SUPERVISION, needs_reason=True),
    _action("send_back", _("Send back (回退)"), SEND_BACK_TO, None, OFFICE | {Role.HANDLER}, needs_reason=True),
    _action("reassign", _("Reassign (改派)"), WITH_UNIT, S.DISPATCHED, OFFICE | SUPERVISION, needs_reason=True),
    _action("extend_request", _("Ask for an extension (延期)"), WITH_UNIT, None, {Role.HANDLER}, needs_reason=True),
    _action("extend_approve", _("Approve the extension"), WITH_UNIT, None, SUPERVISION),
    _action("extend_reject", _("Refuse the extension"), WITH_UNIT, None, SUPERVISION, needs_reason=True),
    _action("park", _("Park (挂账)"), [S.ACCEPTED, S.DISPATCHED, S.HANDLING], S.PARKED, SUPERVISION, needs_reason=True),
    _action("unpark", _("Resume"), [S.PARKED], S.ACCEPTED, SUPERVISION),
    _action("void", _("Void (作废)"), [S.COLLECTED, S.VERIFIED, S.ACCEPTED], S.VOID, OFFICE, needs_reason=True),
    _action("merge", _("Merge into another case (合并)"), OPEN - {S.PARKED}, S.MERGED, OFFICE),
    _action("own", _("Take ownership (包案)"), OPEN, None, {Role.LEADER}),
    _action("supervise", _("Supervision notice (督办)"), OPEN, None, SUPERVISION | {SYSTEM}, needs_reason=True),
    _action("warn", _("Deadline warning"), OPEN, None, {SYSTEM}),
    _action("escalate", _("Escalate"), OPEN, None, {SYSTEM}),
]}
