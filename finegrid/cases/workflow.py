"""Taking an action on a case: the engine's `Machine` over `Case` and its `Transition` rows, with
the action table of `actions` and the authority of `authority`. Nothing is ever deleted."""

from .actions import ACTIONS, Action
from .authority import role_for
from .effects import Context
from .evidence import EvidenceError, attach, check_file
from .machine import Conflict, Machine, Step, TransitionError
from .models import Case, Transition

__all__ = ["CASES", "Conflict", "Step", "TransitionError", "allowed_actions", "perform"]


def _check_file(upload) -> None:
    try:
        check_file(upload)
    except EvidenceError as error:
        raise TransitionError(str(error))


# What `telling` reads of a row and its case: a case has some fifty columns, a notice needs these.
NOTICE_FIELDS = ("action", "data", "reason", "unit_id", "case_id", "case__ticket", "case__title", "case__due_at",
                 "case__area_code", "case__owner_id", "case__unit_id", "case__unit__name", "case__unit__short_name")


def case_link(case: Case) -> str:
    return f"/console/cases/{case.ticket}/"


CASES = Machine(model=Case, transitions=Transition, subject="case", actions=ACTIONS, authority=role_for,
                context=Context, link=case_link, attach=attach, check_file=_check_file,
                notice_related=("case", "case__unit"), notice_subject="case", notice_fields=NOTICE_FIELDS)


def perform(case: Case, action: str, actor=None, **options) -> Transition:
    """Take `action` on `case` as `actor` (None = the system); see `Machine.perform`."""
    return CASES.perform(case, action, actor, **options)


def allowed_actions(case: Case, user) -> list[Action]:
    """The actions this user may take on this case now (the buttons a page shows)."""
    return CASES.allowed(case, user)
