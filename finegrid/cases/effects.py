"""What each case action checks and changes beyond the state, as plain functions of the case, the
step and a `Context` read once per action. Live transitions (`workflow`), batch opening (`bulk`)
and the demo history call these same functions; `actions.ACTIONS` names which goes with which."""

from functools import cached_property

from django.utils.translation import gettext as _

from . import deadlines, machine
from .calendar import HOTLINE_TIERS, Limit, parse_limit
from .machine import TransitionError
from .models import AcceptanceCondition, Case, Category, CategoryRule
from .states import FINAL, S


class Context(machine.Context):
    """What a case's checks and changes read besides the case: its rule, the calendar, the last
    step of a kind. Each is loaded on first use; a batch fills them in from its own caches."""

    def __init__(self, case: Case, **known):
        super().__init__(case, **known)
        self.case = case

    @cached_property
    def rule(self) -> CategoryRule | None:
        """The version the case was accepted under, else its category's newest."""
        if self.case.rule_id:
            return self.case.rule
        return latest_rule(self.case.category_id)

    def rule_for(self, category: Category) -> CategoryRule | None:
        if category.pk == self.case.category_id:
            return self.rule
        return latest_rule(category.pk)

    def conditions(self, rule: CategoryRule) -> list[AcceptanceCondition]:
        return sorted(rule.conditions.all(), key=lambda c: c.seq)


def latest_rule(category_id) -> CategoryRule | None:
    if category_id is None:
        return None
    return CategoryRule.objects.filter(category_id=category_id).order_by("-version").first()


# ── readiness: may the action be taken now, whatever its inputs (None: yes; else why not) ─────


def ready_accept(case, ctx) -> str | None:
    if ctx.inputs.get("category"):
        return None  # a corrected category: check_accept judges the one chosen
    if case.category_id is None:
        return None  # the operator chooses the category in the accept itself
    return accept_blocker(case, case.category, ctx.rule)


def accept_blocker(case, category: Category | None, rule: CategoryRule | None = None) -> str | None:
    """Why 立案 under `category` cannot be taken now (None: it can): what a page asks before it
    offers a one-click accept under a suggested category, and the accept's own readiness."""
    if category is None:
        return _("choose the case's category before accepting it")
    rule = rule or latest_rule(category.pk)
    if rule is None:
        return _("the category %(code)s has no rules to accept a case by") % {"code": category.code}
    if rule.verify_required and case.state == S.COLLECTED and not _seen_on_site(case):
        return _("this category needs on-site verification (核实) before it is accepted")
    return None


def _seen_on_site(case) -> bool:
    """A grid worker's own patrol report needs no 核实: its reporter stood at the place (数字城管's
    监督员 reports go straight to 立案; 核实 is for what residents and the hotline report)."""
    return case.channel == case.Channel.PATROL


def ready_close(case, ctx) -> str | None:
    if case.state == S.HANDLED and ctx.rule and ctx.rule.check_required:
        return _("this category needs an on-site check (核查) before it is closed")
    return None


def ready_reopen(case, ctx) -> str | None:
    if case.rating is None or case.rating > 2:
        return _("only a case rated 1 or 2 (dissatisfied) is reopened")
    return None


def ready_extend_request(case, ctx) -> str | None:
    return _("an extension is already waiting for a decision") if case.extension_pending else None


def ready_extension_pending(case, ctx) -> str | None:
    return None if case.extension_pending else _("no extension has been asked for")


# ── input checks: raise TransitionError when the step's inputs are wrong ─────────────────────


def check_accept(case, step, ctx) -> None:
    category = _chosen_category(case, step)
    rule = ctx.rule_for(category) if category is not None else None
    if blocker := accept_blocker(case, category, rule):
        raise TransitionError(blocker)
    ctx.accepting = (category, rule, _condition(rule, step, ctx))


def _chosen_category(case, step) -> Category | None:
    """立案 may correct the category (a report filed under the wrong one): the step names the new code."""
    code = str(step.data.get("category") or "").strip()
    if not code or (case.category_id and case.category.code == code):
        return case.category if case.category_id else None
    found = Category.objects.filter(code=code, active=True).first()
    if found is None:
        raise TransitionError(_("no active category has the code %(code)s") % {"code": code})
    return found


def _condition(rule, step, ctx) -> AcceptanceCondition:
    """立案条件: the one the operator chose (by its number), else the rule's first."""
    conditions = ctx.conditions(rule)
    if not conditions:
        raise TransitionError(_("the category %(code)s has no rules to accept a case by") % {"code": rule.category.code})
    wanted = step.data.get("condition")
    chosen = [c for c in conditions if c.seq == wanted] if wanted not in (None, "") else []
    if wanted not in (None, "") and not chosen:
        raise TransitionError(_("the rule has no acceptance condition %(seq)s") % {"seq": wanted})
    return (chosen or conditions)[0]


def check_unit(case, step, ctx) -> None:
    if step.unit is None:
        raise TransitionError(_("choose the unit to send the case to"))
    if step.unit == case.unit and case.state != S.ACCEPTED:
        raise TransitionError(_("the case is already with %(unit)s") % {"unit": step.unit})
    if not step.unit.active:
        raise TransitionError(_("%(unit)s is not active") % {"unit": step.unit})


def check_rate(case, step, ctx) -> None:
    rating = step.data.get("rating")
    if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
        raise TransitionError(_("a rating is a whole number from 1 to 5"))


def check_extend_request(case, step, ctx) -> None:
    try:
        parse_limit(str(step.data.get("limit", "")))
    except ValueError as error:
        raise TransitionError(_("the extension must be a time limit such as 3工作日: %(error)s") % {"error": error})


def check_merge(case, step, ctx) -> None:
    ticket = str(step.data.get("master", "")).strip()
    master = Case.objects.filter(ticket=ticket).first() if ticket else None
    if master is None:
        raise TransitionError(_("name the case to merge into by its ticket number"))
    if master.pk == case.pk or master.state in FINAL:
        raise TransitionError(_("case %(ticket)s cannot take duplicates") % {"ticket": master.ticket})
    ctx.master = master


# ── changes: the fields an action sets ───────────────────────────────────────────────────────


def accept(case, step, ctx) -> dict:
    category, rule, condition = ctx.accepting
    limit = HOTLINE_TIERS.get(case.urgency) or Limit(condition.limit_value, condition.limit_kind)
    deadline = ctx.calendar.deadline(step.now, limit)
    return {
        "category": category, "rule": rule, "condition": condition, "limit_value": limit.value,
        "limit_kind": limit.kind.value, "accepted_at": step.now, "due_at": deadline.due,
        "due_provisional": deadline.provisional, "next_check_at": step.now, "alarm": "",
    }


def dispatch(case, step, ctx) -> dict:
    return {"unit": step.unit, "dispatched_at": step.now, "next_check_at": step.now}


def send_back(case, step, ctx) -> dict:
    if case.state in (S.DISPATCHED, S.HANDLING):  # back before 派遣: the unit lets go of it
        return {"unit": None, "dispatched_at": None}
    return {}


def reopen(case, step, ctx) -> dict:
    limit = deadlines.limit_of(case)
    deadline = ctx.calendar.deadline(step.now, limit) if limit else None
    return {"closed_at": None, "rating": None, "due_at": deadline.due if deadline else None,
            "next_check_at": step.now, "alarm": "", "escalation": 0}


def extend_approve(case, step, ctx) -> dict:
    asked = ctx.last("extend_request")
    start = case.due_at or step.now
    deadline = ctx.calendar.deadline(start, parse_limit(asked.data["limit"]))
    return {"due_at": deadline.due, "extension_pending": False, "next_check_at": step.now}


def unpark(case, step, ctx) -> dict:
    """挂账 stops the clock: the resumed case gets back the time it had left when it was parked."""
    limit, parked = deadlines.limit_of(case), ctx.last("park")
    if not (limit and case.due_at and parked):
        return {"next_check_at": step.now}
    return {"due_at": deadlines.resumed(parked.at, case.due_at, step.now, limit, ctx.calendar),
            "next_check_at": step.now}


def fields(**values):
    """A change that sets fixed fields."""
    return lambda case, step, ctx: dict(values)


def from_input(name: str, column: str, **values):
    """A change that copies one input to a column (评价's rating, a warning's alarm)."""
    return lambda case, step, ctx: {column: step.data[name], **values}


# ── what the transition row keeps besides the inputs ─────────────────────────────────────────


def record_accept(case, step, ctx, changes) -> dict:
    category = changes["category"]
    before = case.category.code if case.category_id else ""  # read before the change is applied
    return {"category": category.code, "category_before": before, "due_at": changes["due_at"].isoformat()}


def record_unit(case, step, ctx, changes) -> dict:
    return {"unit": step.unit.code}


def record_due(case, step, ctx, changes) -> dict:
    return {"due_at": changes["due_at"].isoformat()} if changes.get("due_at") else {}


def record_master(case, step, ctx, changes) -> dict:
    return {"master": ctx.master.ticket}


# ── what follows at once ─────────────────────────────────────────────────────────────────────


def dispatch_if_clear(case, step, transition) -> None:
    """派遣 at once when the matrix names one unit."""
    from .dispatch import auto_dispatch

    auto_dispatch(case, now=step.now)
