"""A case's progress in plain words for the person who reported it (and Open311's notes): the
public steps only — deadline warnings, escalations and internal requests stay inside."""

from dataclasses import dataclass
from datetime import datetime


from finegrid.cases.actions import ACTIONS, FINAL
from finegrid.cases.models import Case, Transition
from finegrid.cases.reporting import outcome_case

# Steps that stay inside: those the action table gives no wording for a resident.
HIDDEN = frozenset(name for name, act in ACTIONS.items() if act.public is None)
CLOSED_STATES = FINAL  # closed, rated, void, merged: Open311's "closed"


@dataclass
class Step:
    id: int
    at: datetime
    words: str
    status: str  # open | closed, after this step


def status_of(state: str) -> str:
    return "closed" if state in CLOSED_STATES else "open"


def words_for(row: Transition) -> str:
    act = ACTIONS.get(row.action)
    return act.public(row) if act and act.public else row.action


def public_steps(case: Case) -> list[Step]:
    rows = case.transitions.select_related("unit").order_by("seq")
    return [Step(row.pk, row.at, words_for(row), status_of(row.to_state)) for row in rows if row.action not in HIDDEN]


def followed(case: Case) -> Case:
    """What the reporter follows: a merged duplicate shows its master's progress."""
    return outcome_case(case)
