"""The petition's chain as an action table (依法分类处理), its machine, its deadline plan and its
watch; 包案 (a leader's own matter) as a second, smaller table. Everything else — perform, replay,
the deadline worker, escalation, notices — is the case engine's.

The chain (信访工作条例 2022): 登记 → by class: 建议意见类 answered and passed on, 检举控告类 sent
to 纪检监察 or the competent body, a matter with a legal remedy pointed to it (第三十一条);
申诉求决类 转送/交办 within 15 days (第二十三条) → 受理 or 不予受理 within 15 days, told in writing
(第二十四条) → 办理 within 60 days, extended once by at most 30 (第三十二条) → 答复 → 复查 asked
within 30 days and answered within 30 (第三十五条) → 复核 the same (第三十六条) → 终结: the same
facts and reasons are 不再受理 (第三十六条). Hearings and 鉴定 (听证) do not count."""

from datetime import datetime, timedelta
from functools import cached_property

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from finegrid.cases.calendar import LimitKind
from finegrid.cases.machine import SYSTEM, Action, Context, Input, Machine, TransitionError, watched_actions
from finegrid.cases.notices import Draft
from finegrid.cases.supervision import Plan, overseers_of, watch, window_plan
from finegrid.org.models import Role, RoleAssignment

from . import documents
from .models import Petition, PetitionTransition
from .rules import local_day, period_end, rule_of

P = Petition.State
K = Petition.Kind
OFFICE = frozenset({Role.PETITION_OFFICE})
UNIT = frozenset({Role.HANDLER})
CLOCKED = frozenset({P.REGISTERED, P.TRANSFERRED, P.HANDLING, P.REVIEWING, P.RECHECKING})
OPEN_STATES = CLOCKED | frozenset({P.ANSWERED, P.REVIEWED})
WINDOWED = frozenset({P.ANSWERED, P.REVIEWED})  # the petitioner's side: 30 days to ask again
PAUSABLE = frozenset({P.HANDLING, P.REVIEWING, P.RECHECKING})
ROUTES = {K.PROPOSAL: ("研究采纳", "转有关部门参考"), K.ACCUSATION: ("纪检监察机关", "主管部门"),
          K.LEGAL: ("诉讼", "仲裁", "行政复议")}


def authority(user, act: Action, obj) -> str | None:
    """The petition office everywhere; a unit's handler only on the petitions given to the unit."""
    if user is None or not user.is_authenticated:
        return None
    held = RoleAssignment.objects.filter(user=user, role__in=act.roles - {SYSTEM})
    for assignment in held.order_by("role"):
        if assignment.role != Role.HANDLER or (assignment.unit_id and assignment.unit_id == obj.unit_id):
            return assignment.role
    return None


class PetitionContext(Context):
    """The case engine's context with the petition's own rule version (read once per action)."""

    @cached_property
    def rule(self):
        return rule_of(self.obj.rule_version)


# ── clocks ───────────────────────────────────────────────────────────────────────────────────


def clock(limit: str, **more):
    """A change that starts the `limit` period now, in calendar days (日)."""
    def change(obj, step, ctx) -> dict:
        days = ctx.rule.days[limit]
        due = period_end(step.now, days, ctx.rule, ctx.calendar)
        return {"clock_start": step.now, "clock_days": days, "due_at": due, "paused_at": None,
                "next_check_at": step.now, "alarm": "", "escalation": 0, **more}
    return change


def moved(obj, ctx, days: int) -> dict:
    """The running clock with `days` more: its end counted afresh from its start."""
    total = obj.clock_days + days
    due = period_end(obj.clock_start, total, ctx.rule, ctx.calendar)
    extra = {"handle_due_at": due} if obj.state == P.HANDLING else {}
    return {"clock_days": total, "due_at": due, "next_check_at": obj.clock_start, "alarm": "", "escalation": 0, **extra}


def window(limit: str, first_answer: bool = False):
    """A change that answers: the clocks stop and the petitioner's `limit` days begin."""
    def change(obj, step, ctx) -> dict:
        ends = period_end(step.now, ctx.rule.days[limit], ctx.rule, ctx.calendar)
        first = {"answered_at": step.now} if first_answer else {}
        return {**first, "window_ends": ends, "next_check_at": ends, "due_at": None, "alarm": "", "escalation": 0}
    return change


def transfer(obj, step, ctx) -> dict:
    change = clock("accept")(obj, step, ctx)
    return {**change, "kind": K.CLAIM, "unit": step.unit, "accept_due_at": change["due_at"]}


def accept(obj, step, ctx) -> dict:
    change = clock("handle")(obj, step, ctx)
    return {**change, "accepted_at": step.now, "handle_due_at": change["due_at"]}


def extend(obj, step, ctx) -> dict:
    return moved(obj, ctx, step.data["days"])


def resume(obj, step, ctx) -> dict:
    """A hearing's days do not count: the period grows by the days it took."""
    return {**moved(obj, ctx, (local_day(step.now) - local_day(obj.paused_at)).days), "paused_at": None}


def finish(obj, step, ctx) -> dict:
    return {"concluded_at": step.now, "due_at": None, "window_ends": None, "next_check_at": None,
            "alarm": "", "escalation": 0}


def route(obj, step, ctx) -> dict:
    return {"kind": step.data["kind"], "due_at": None, "next_check_at": None, "concluded_at": step.now,
            "alarm": "", "escalation": 0}


# ── checks ───────────────────────────────────────────────────────────────────────────────────


def check_route(obj, step, ctx) -> None:
    kind, to = step.data.get("kind"), step.data.get("to", "")
    if kind not in ROUTES:
        raise TransitionError(_("kind: a 申诉求决类 petition is transferred (转送/交办), not routed"))
    if to not in ROUTES[kind]:
        raise TransitionError(_("to: one of %(ways)s") % {"ways": "、".join(ROUTES[kind])})


def check_unit(obj, step, ctx) -> None:
    if step.unit is None:
        raise TransitionError(_("unit: choose the body responsible"))


def check_instead(obj, step, ctx) -> None:
    if not step.data.get("instead", "").strip():
        raise TransitionError(_("instead: say where the petitioner should go instead"))


def check_extension(obj, step, ctx) -> None:
    days, most = step.data.get("days"), ctx.rule.days["extend"]
    if not isinstance(days, int) or isinstance(days, bool) or not 0 < days <= most:
        raise TransitionError(_("days: an extension is 1 to %(most)s days") % {"most": most})


def check_in_window(what: str):
    def check(obj, step, ctx) -> None:
        if step.now >= obj.window_ends:
            last = local_day(obj.window_ends) - timedelta(days=1)  # window_ends is the midnight after it
            raise TransitionError(_("%(what)s had to be asked by %(date)s (30 days from the opinion); it is too late")
                                  % {"what": what, "date": last.isoformat()})
    return check


def check_rating(obj, step, ctx) -> None:
    if step.data.get("rating") not in (1, 2, 3):
        raise TransitionError(_("rating: 1 (dissatisfied), 2 (fairly satisfied) or 3 (satisfied)"))


def once(obj, ctx) -> str | None:
    return _("extended once already; a second extension is not allowed") if obj.extension_count else None


def not_paused(obj, ctx) -> str | None:
    return _("a hearing is on") if obj.paused_at else None


def paused(obj, ctx) -> str | None:
    return None if obj.paused_at else _("no hearing is on")


def concluded_before(obj, ctx) -> str | None:
    return None if obj.again_of_id else _("no concluded matter on the same facts was recognised")


# ── whom a step tells ────────────────────────────────────────────────────────────────────────


def tell_unit(kind: str, title: str):
    def drafts(row, obj) -> list[Draft]:
        level = row.data.get("alarm", kind) if kind == "alarm" else kind
        return [Draft(level, f"{title} {obj.number}", unit_id=obj.unit_id)] if obj.unit_id else []
    return drafts


def tell_overseers(row, obj) -> list[Draft]:
    level = row.data["level"]
    return [Draft("escalate", f"信访督办 {obj.number} (level {level})", recipient_id=person.pk)
            for person in overseers_of(obj.area_code, level, obj.leader_id)]


TEXT, REQUIRED = "text", True
ACTIONS = {a.name: a for a in [
    Action("register", gettext_lazy("Register"), frozenset({""}), P.REGISTERED, OFFICE | {SYSTEM}, automatic=True),
    Action("route", gettext_lazy("Handle by class"), frozenset({P.REGISTERED}), P.ROUTED, OFFICE,
           inputs=(Input("kind", TEXT, REQUIRED), Input("to", TEXT, REQUIRED), Input("opinion", TEXT, REQUIRED)),
           check=check_route, change=route, record=documents.recorded("routed")),
    Action("transfer", gettext_lazy("Transfer to the body responsible"), frozenset({P.REGISTERED}), P.TRANSFERRED,
           OFFICE, inputs=(Input("unit", "unit", REQUIRED),), check=check_unit, change=transfer,
           notices=tell_unit("info", "信访交办")),
    Action("accept", gettext_lazy("Accept"), frozenset({P.TRANSFERRED}), P.HANDLING, OFFICE | UNIT,
           change=accept, record=documents.recorded("accepted")),
    Action("decline", gettext_lazy("Not accept"), frozenset({P.TRANSFERRED}), P.DECLINED, OFFICE | UNIT,
           needs_reason=True, inputs=(Input("instead", TEXT, REQUIRED),),
           check=check_instead,
           change=finish, record=documents.recorded("declined")),
    Action("extend", gettext_lazy("Extend"), frozenset({P.HANDLING}), None, OFFICE | UNIT, needs_reason=True,
           inputs=(Input("days", "int", REQUIRED), Input("approved_by", TEXT, REQUIRED)), ready=once,
           check=check_extension, change=extend, counts="extension_count"),
    Action("hear", gettext_lazy("Hearing (not counted)"), PAUSABLE, None, OFFICE | UNIT, ready=not_paused,
           change=lambda obj, step, ctx: {"paused_at": step.now, "next_check_at": None}),
    Action("resume", gettext_lazy("Hearing over"), PAUSABLE, None, OFFICE | UNIT, ready=paused, change=resume),
    Action("answer", gettext_lazy("Answer"), frozenset({P.HANDLING}), P.ANSWERED, OFFICE | UNIT, ready=not_paused,
           inputs=(Input("opinion", TEXT, REQUIRED),), change=window("review_window", first_answer=True),
           record=documents.recorded("answered"), notices=tell_unit("info", "信访答复")),
    Action("review", gettext_lazy("Review asked (复查)"), frozenset({P.ANSWERED}), P.REVIEWING, OFFICE,
           check=check_in_window("复查"), change=clock("review", window_ends=None)),
    Action("answer_review", gettext_lazy("Review opinion"), frozenset({P.REVIEWING}), P.REVIEWED, OFFICE,
           ready=not_paused, inputs=(Input("opinion", TEXT, REQUIRED),), change=window("recheck_window"),
           record=documents.recorded("reviewed")),
    Action("recheck", gettext_lazy("Re-examination asked (复核)"), frozenset({P.REVIEWED}), P.RECHECKING, OFFICE,
           check=check_in_window("复核"), change=clock("recheck", window_ends=None)),
    Action("answer_recheck", gettext_lazy("Re-examination opinion"), frozenset({P.RECHECKING}), P.CONCLUDED,
           OFFICE, ready=not_paused, inputs=(Input("opinion", TEXT, REQUIRED),), change=finish,
           record=documents.recorded("rechecked")),
    Action("conclude", gettext_lazy("Conclude"), WINDOWED, P.CONCLUDED, frozenset({SYSTEM}), automatic=True,
           change=finish),
    Action("rate", gettext_lazy("Petitioner's rating"), frozenset({P.ANSWERED, P.REVIEWED, P.CONCLUDED}), None,
           OFFICE | {SYSTEM}, inputs=(Input("rating", "int", REQUIRED),), check=check_rating,
           ready=lambda obj, ctx: _("rated already") if obj.rating else None,
           change=lambda obj, step, ctx: {"rating": step.data["rating"]}),
    Action("not_again", gettext_lazy("Not accepted again"), frozenset({P.REGISTERED}), P.NOT_AGAIN, OFFICE,
           ready=concluded_before, change=finish, record=documents.recorded("not_again")),
    *watched_actions(CLOCKED, warned=tell_unit("alarm", "信访临期"), escalated=tell_overseers),
]}


def petition_plan(petition: Petition, now: datetime, calendar) -> Plan:
    if petition.state in WINDOWED and petition.window_ends:
        due = (("conclude", {}),) if now >= petition.window_ends else ()
        return Plan(petition.alarm, petition.escalation, None if due else petition.window_ends, due)
    if petition.state not in CLOCKED or petition.paused_at or petition.due_at is None:
        return Plan(petition.alarm, petition.escalation, None)
    return window_plan(petition.clock_start, petition.due_at, LimitKind.CALENDAR_DAYS, petition.alarm,
                       petition.escalation, now, calendar)


PETITIONS = Machine(model=Petition, transitions=PetitionTransition, subject="petition", actions=ACTIONS,
                    authority=authority, context=PetitionContext, link=lambda p: f"/petitions/{p.pk}/")
watch(Petition, petition_plan, PETITIONS.perform, related=("unit",))

from . import leader_cases  # noqa: E402,F401 — the 包案 machine and its watch
from . import figures  # noqa: E402,F401 — the cohort
