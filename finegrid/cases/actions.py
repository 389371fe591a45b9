"""The state machine of a case (GB/T 30428 and 接诉即办) as one table: each action names the
states it may start from, the state it leads to, who may take it, its inputs, whether it takes
photos, whether a reason is owed, its readiness and input checks, its change, what the
transition row records, which counter replay adds to, whom the stored row tells (`telling`) and
how it reads to the resident who reported the case (`wording`). Nothing about an action lives elsewhere.

信息采集 → 核实 → 立案 → 派遣 → 处置 → 反馈 → 核查 → 结案 → 评价, with the side paths 回退, 改派,
返工, 延期, 挂账, 作废, 合并, 包案, 督办 and reopening after a bad rating."""

from django.utils.translation import gettext_lazy as _

from finegrid.org.models import Role

from . import effects as fx
from . import telling
from . import wording as say
from .machine import SYSTEM, Action, Input, watched_actions
from .states import FINAL, OPEN, S, SEND_BACK_TO, WITH_UNIT

__all__ = ["ACTIONS", "FINAL", "OPEN", "SYSTEM", "WITH_UNIT", "Action"]

# No administrator is among them (三员分立): the system administrator runs the system, not cases.
OFFICE = frozenset({Role.OPERATOR, Role.DISPATCHER})
SUPERVISION = frozenset({Role.SUPERVISOR, Role.LEADER})
FIELD = frozenset({Role.GRID_WORKER, Role.OPERATOR})
UNIT = (Input("unit", "unit", required=True),)


def _action(name, label, sources, target, roles, **more) -> Action:
    return Action(name, label, frozenset(sources), target, frozenset(roles), **more)


ACTIONS = {a.name: a for a in [
    _action("report", _("Report"), [""], S.COLLECTED, set(Role) | {SYSTEM}, automatic=True, public=say.said(say.RECEIVED),
            inputs=(Input("channel"),)),
    _action("verify", _("Verify on site (核实)"), [S.COLLECTED], S.VERIFIED, FIELD, photos=True,
            public=say.said(say.VERIFIED)),
    _action("accept", _("Accept (立案)"), [S.COLLECTED, S.VERIFIED], S.ACCEPTED, OFFICE | {SYSTEM},
            inputs=(Input("category", "category"), Input("condition", "int"), Input("corrected", "bool")),
            ready=fx.ready_accept, check=fx.check_accept, change=fx.accept, record=fx.record_accept,
            then=fx.dispatch_if_clear, public=say.accepted),
    _action("dispatch", _("Dispatch (派遣)"), [S.ACCEPTED], S.DISPATCHED, OFFICE | {SYSTEM}, inputs=UNIT,
            check=fx.check_unit, change=fx.dispatch, record=fx.record_unit, notices=telling.assigned,
            public=say.dispatched),
    _action("start", _("Start handling (处置)"), [S.DISPATCHED], S.HANDLING, {Role.HANDLER}, public=say.started),
    _action("report_done", _("Report done (反馈)"), WITH_UNIT, S.HANDLED, {Role.HANDLER}, photos=True,
            change=lambda case, step, ctx: {"handled_at": step.now}, public=say.reported_done),
    _action("check_ok", _("Check on site: done (核查)"), [S.HANDLED], S.CHECKED, FIELD, photos=True,
            public=say.said(say.CHECKED)),
    _action("rework", _("Check failed: rework (返工)"), [S.HANDLED, S.CHECKED], S.HANDLING, FIELD,
            needs_reason=True, photos=True, change=fx.fields(handled_at=None), counts="rework_count",
            public=say.said(say.REWORK)),
    _action("close", _("Close (结案)"), [S.HANDLED, S.CHECKED], S.CLOSED, OFFICE, ready=fx.ready_close,
            change=lambda case, step, ctx: {"closed_at": step.now, "next_check_at": None}, notices=telling.closed,
            public=say.said(say.CLOSED)),
    _action("rate", _("Rate (评价)"), [S.CLOSED], S.RATED, {Role.RESIDENT, Role.OPERATOR, SYSTEM},
            inputs=(Input("rating", "int", required=True),), check=fx.check_rate,
            change=fx.from_input("rating", "rating"), public=say.said(say.RATED)),
    _action("reopen", _("Reopen after a bad rating"), [S.RATED], S.DISPATCHED, OFFICE | SUPERVISION,
            needs_reason=True, ready=fx.ready_reopen, change=fx.reopen, record=fx.record_due, counts="rework_count",
            notices=telling.assigned, public=say.said(say.REOPENED)),
    _action("send_back", _("Send back (回退)"), SEND_BACK_TO, SEND_BACK_TO, OFFICE | {Role.HANDLER},
            needs_reason=True, change=fx.send_back, public=say.said(say.SENT_BACK)),
    _action("reassign", _("Reassign (改派)"), WITH_UNIT, S.DISPATCHED, OFFICE | SUPERVISION, needs_reason=True,
            inputs=UNIT, check=fx.check_unit, change=fx.dispatch, record=fx.record_unit, counts="reassign_count",
            notices=telling.assigned, public=say.reassigned),
    _action("extend_request", _("Ask for an extension (延期)"), WITH_UNIT, None, {Role.HANDLER}, needs_reason=True,
            inputs=(Input("limit", "limit", required=True),), ready=fx.ready_extend_request,
            check=fx.check_extend_request, change=fx.fields(extension_pending=True)),
    _action("extend_approve", _("Approve the extension"), WITH_UNIT, None, SUPERVISION,
            ready=fx.ready_extension_pending, change=fx.extend_approve, record=fx.record_due,
            counts="extension_count", public=say.said(say.EXTENDED)),
    _action("extend_reject", _("Refuse the extension"), WITH_UNIT, None, SUPERVISION, needs_reason=True,
            ready=fx.ready_extension_pending, change=fx.fields(extension_pending=False)),
    _action("park", _("Park (挂账)"), [S.ACCEPTED, S.DISPATCHED, S.HANDLING], S.PARKED, SUPERVISION,
            needs_reason=True, change=fx.fields(next_check_at=None), public=say.said(say.PARKED)),
    _action("unpark", _("Resume"), [S.PARKED], S.ACCEPTED, SUPERVISION, change=fx.unpark, record=fx.record_due,
            then=fx.dispatch_if_clear, public=say.said(say.RESUMED)),
    _action("void", _("Void (作废)"), [S.COLLECTED, S.VERIFIED, S.ACCEPTED], S.VOID, OFFICE, needs_reason=True,
            change=fx.fields(next_check_at=None), public=say.said(say.VOIDED)),
    _action("merge", _("Merge into another case (合并)"), OPEN - {S.PARKED}, S.MERGED, OFFICE,
            inputs=(Input("master", "ticket", required=True),), check=fx.check_merge,
            change=lambda case, step, ctx: {"master": ctx.master, "next_check_at": None}, record=fx.record_master,
            public=say.said(say.MERGED)),
    _action("own", _("Take ownership (包案)"), OPEN, None, {Role.LEADER},
            change=lambda case, step, ctx: {"owner": step.actor}),
    _action("supervise", _("Supervision notice (督办)"), OPEN, None, SUPERVISION | {SYSTEM}, needs_reason=True,
            notices=telling.supervised, public=say.said(say.SUPERVISED)),
    # 转为信访件: the petition app takes a hotline case in as a petition and this row records it on
    # the case (the petition's number); the case's own chain goes on (the caller is still answered).
    # Automatic: no button or API step of the cases, only the petition app's page takes it.
    _action("to_petition", _("Became a petition (转为信访件)"), OPEN | {S.CLOSED, S.RATED}, None,
            {Role.PETITION_OFFICE, Role.OPERATOR}, automatic=True, inputs=(Input("petition", required=True),),
            public=say.said(say.PETITIONED)),
    *watched_actions(OPEN, warned=telling.warned, escalated=telling.escalated),
]}
