"""What each action checks and changes beyond the state. Every function reads the case and the
step and returns plain values; `workflow` writes them."""

from django.utils.translation import gettext as _

from . import deadlines
from .actions import FINAL, Action
from .calendar import parse_limit
from .models import Case, CategoryRule

S = Case.State
INTERNAL_KEYS = frozenset({"master_case"})  # step data the checks fill in, never a caller


def check(case: Case, act: Action, step) -> None:
    checker = CHECKS.get(act.name)
    if checker:
        checker(case, step)


def _check_accept(case, step):
    from .workflow import TransitionError

    if case.category_id is None:
        raise TransitionError(_("choose the case's category before accepting it"))
    rule = _rule(case)
    if rule is None:
        raise TransitionError(_("the category %(code)s has no rules to accept a case by") % {"code": case.category.code})
    if rule.verify_required and case.state == S.COLLECTED:
        raise TransitionError(_("this category needs on-site verification (核实) before it is accepted"))


def _check_unit(case, step):
    from .workflow import TransitionError

    if step.unit is None:
        raise TransitionError(_("choose the unit to send the case to"))
    if step.unit == case.unit and case.state != S.ACCEPTED:
        raise TransitionError(_("the case is already with %(unit)s") % {"unit": step.unit})
    if not step.unit.active:
        raise TransitionError(_("%(unit)s is not active") % {"unit": step.unit})


def _check_close(case, step):
    from .workflow import TransitionError

    if case.state == S.HANDLED and case.rule and case.rule.check_required:
        raise TransitionError(_("this category needs an on-site check (核查) before it is closed"))


def _check_rate(case, step):
    from .workflow import TransitionError

    rating = step.data.get("rating")
    if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
        raise TransitionError(_("a rating is a whole number from 1 to 5"))


def _check_reopen(case, step):
    from .workflow import TransitionError

    if case.rating is None or case.rating > 2:
        raise TransitionError(_("only a case rated 1 or 2 (dissatisfied) is reopened"))


def _check_extend_request(case, step):
    from .workflow import TransitionError

    if case.extension_pending:
        raise TransitionError(_("an extension is already waiting for a decision"))
    try:
        parse_limit(str(step.data.get("limit", "")))
    except ValueError as error:
        raise TransitionError(_("the extension must be a time limit such as 3工作日: %(error)s") % {"error": error})


def _check_extension_pending(case, step):
    from .workflow import TransitionError

    if not case.extension_pending:
        raise TransitionError(_("no extension has been asked for"))


def _check_merge(case, step):
    from .workflow import TransitionError

    master = _master(step)
    if master is None:
        raise TransitionError(_("name the case to merge into by its ticket number"))
    if master.pk == case.pk or master.state in FINAL:
        raise TransitionError(_("case %(ticket)s cannot take duplicates") % {"ticket": master.ticket})
    step.data["master_case"] = master


CHECKS = {
    "accept": _check_accept, "dispatch": _check_unit, "reassign": _check_unit, "close": _check_close,
    "rate": _check_rate, "reopen": _check_reopen, "extend_request": _check_extend_request,
    "extend_approve": _check_extension_pending, "extend_reject": _check_extension_pending, "merge": _check_merge,
}


def _rule(case) -> CategoryRule | None:
    if case.rule_id:
        return case.rule
    return CategoryRule.objects.filter(category_id=case.category_id).order_by("-version").first()


def _master(step) -> Case | None:
    ticket = str(step.data.get("master", "")).strip()
    return Case.objects.filter(ticket=ticket).first() if ticket else None


def changes_for(case: Case, act: Action, step) -> dict:
    change = CHANGES.get(act.name)
    return change(case, step) if change else {}


def _accept(case, step) -> dict:
    from .calendar import HOTLINE_TIERS

    rule = _rule(case)
    # 立案条件: the one the operator chose (by its number), else the rule's first.
    chosen = rule.conditions.filter(seq=step.data.get("condition")).first() if step.data.get("condition") else None
    condition = chosen or rule.conditions.order_by("seq").first()
    limit = HOTLINE_TIERS.get(case.urgency) or deadlines.Limit(condition.limit_value, deadlines.LimitKind(condition.limit_kind))
    deadline = deadlines.due(step.now, limit, deadlines.calendar_in_force())
    return {
        "rule": rule, "condition": condition, "limit_value": limit.value, "limit_kind": limit.kind.value,
        "accepted_at": step.now, "due_at": deadline.due, "due_provisional": deadline.provisional,
        "next_check_at": step.now, "alarm": "",
    }


def _dispatch(case, step) -> dict:
    return {"unit": step.unit, "dispatched_at": step.now, "next_check_at": step.now}


def _reassign(case, step) -> dict:
    return {**_dispatch(case, step), "reassign_count": case.reassign_count + 1}


def _send_back(case, step) -> dict:
    if act_target_before_dispatch(case):
        return {"unit": None, "dispatched_at": None}
    return {}


def act_target_before_dispatch(case) -> bool:
    return case.state in (S.DISPATCHED, S.HANDLING)


def _reopen(case, step) -> dict:
    limit = deadlines.limit_of(case)
    deadline = deadlines.due(step.now, limit, deadlines.calendar_in_force()) if limit else None
    return {"closed_at": None, "rating": None, "due_at": deadline.due if deadline else None,
            "next_check_at": step.now, "alarm": "", "escalation": 0, "rework_count": case.rework_count + 1}


def _extend_approve(case, step) -> dict:
    requested = _requested_extension(case)
    start = case.due_at or step.now
    deadline = deadlines.due(start, requested, deadlines.calendar_in_force())
    return {"due_at": deadline.due, "extension_pending": False, "extension_count": case.extension_count + 1,
            "next_check_at": step.now}


def _unpark(case, step) -> dict:
    """挂账 stops the clock: the resumed case gets back the time it had left when it was parked."""
    limit, parked = deadlines.limit_of(case), case.transitions.filter(action="park").order_by("-seq").first()
    if not (limit and case.due_at and parked):
        return {"next_check_at": step.now}
    due = deadlines.resumed(parked.at, case.due_at, step.now, limit, deadlines.calendar_in_force())
    return {"due_at": due, "next_check_at": step.now}


def _requested_extension(case):
    last = case.transitions.filter(action="extend_request").order_by("-seq").first()
    return parse_limit(last.data["limit"])


CHANGES = {
    "accept": _accept,
    "dispatch": _dispatch,
    "reassign": _reassign,
    "send_back": _send_back,
    "report_done": lambda case, step: {"handled_at": step.now},
    "rework": lambda case, step: {"handled_at": None, "rework_count": case.rework_count + 1},
    "close": lambda case, step: {"closed_at": step.now, "next_check_at": None},
    "rate": lambda case, step: {"rating": step.data["rating"]},
    "reopen": _reopen,
    "extend_request": lambda case, step: {"extension_pending": True},
    "extend_approve": _extend_approve,
    "extend_reject": lambda case, step: {"extension_pending": False},
    "park": lambda case, step: {"next_check_at": None},
    "unpark": _unpark,
    "void": lambda case, step: {"next_check_at": None},
    "merge": lambda case, step: {"master": step.data["master_case"], "next_check_at": None},
    "own": lambda case, step: {"owner": step.actor},
    "warn": lambda case, step: {"alarm": step.data["alarm"]},
    "escalate": lambda case, step: {"escalation": step.data["level"]},
}


def recorded_data(act: Action, step, changes: dict) -> dict:
    """What the transition row keeps: the action's own inputs and the values it set, as JSON."""
    data = {k: v for k, v in step.data.items() if k not in INTERNAL_KEYS}
    if act.name in ("dispatch", "reassign") and step.unit:
        data["unit"] = step.unit.code
    if act.name == "merge":
        data["master"] = step.data["master_case"].ticket
    if changes.get("due_at"):
        data["due_at"] = changes["due_at"].isoformat()
    return data


def after(case: Case, act: Action, step, transition) -> None:
    """Side effects once the transition is stored: notices to whoever must now act."""
    from .dispatch import auto_dispatch
    from .notices import notify

    if act.name in ("accept", "unpark"):
        auto_dispatch(case, now=step.now)  # 派遣 at once when the matrix names one unit
    elif act.name in ("dispatch", "reassign", "reopen") and case.unit_id:
        notify("assigned", case, unit=case.unit, title=_("New case %(ticket)s: %(title)s") % {
            "ticket": case.ticket, "title": case.title})
    elif act.name == "close":
        _tell_duplicates(case)
    elif act.name == "supervise":
        notify("supervise", case, unit=case.unit, title=_("Supervision notice (督办) on %(ticket)s") % {
            "ticket": case.ticket}, body=step.reason)


def _tell_duplicates(case: Case) -> None:
    """合并: the reporters of merged duplicates hear the master's outcome."""
    from .notices import notify

    for duplicate in case.duplicates.filter(reporter__isnull=False).select_related("reporter"):
        notify("info", duplicate, recipient=duplicate.reporter, title=_(
            "Your report %(ticket)s was handled together with %(master)s, which is now closed") % {
            "ticket": duplicate.ticket, "master": case.ticket})
