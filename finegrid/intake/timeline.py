"""A case's progress in plain words for the person who reported it (and Open311's notes): the
public steps only — deadline warnings, escalations and internal requests stay inside."""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from finegrid.cases.actions import FINAL
from finegrid.cases.models import Case, Transition
from finegrid.cases.reporting import outcome_case

HIDDEN = frozenset({"warn", "escalate", "own", "extend_request", "extend_reject"})
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
    unit = row.unit.name if row.unit_id else ""
    due = row.data.get("due_at") if isinstance(row.data, dict) else None
    phrases = {
        "report": _("Your report was received."),
        "verify": _("A grid worker checked the place and confirmed the problem."),
        "accept": _("The case was accepted and is due by %(due)s.") % {"due": _local(due)} if due
        else _("The case was accepted."),
        "dispatch": _("The case was sent to %(unit)s.") % {"unit": unit} if unit else _("The case was sent to the unit that must act."),
        "reassign": _("The case was passed on to %(unit)s.") % {"unit": unit} if unit else _("The case was passed on to another unit."),
        "start": _("%(unit)s started work on it.") % {"unit": unit or _("The unit")},
        "report_done": _("%(unit)s reported the work done.") % {"unit": unit or _("The unit")},
        "check_ok": _("A grid worker checked on site that the work is done."),
        "rework": _("The check found the work unfinished; it was sent back to be done again."),
        "close": _("The case was closed."),
        "rate": _("The result was rated."),
        "reopen": _("The case was reopened after a dissatisfied rating."),
        "send_back": _("The case went back one step to be handled again."),
        "extend_approve": _("More time was granted to finish the work."),
        "park": _("The problem cannot be solved at present; it is kept on record."),
        "unpark": _("Work on the case resumed."),
        "void": _("The report was found not to be a case for the district and was closed."),
        "merge": _("The same problem was already reported; it is followed under one case."),
        "supervise": _("The supervision office urged the unit to act."),
    }
    return phrases.get(row.action, row.action)


def _local(value) -> str:
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return ""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def public_steps(case: Case) -> list[Step]:
    rows = case.transitions.select_related("unit").order_by("seq")
    return [Step(row.pk, row.at, words_for(row), status_of(row.to_state)) for row in rows if row.action not in HIDDEN]


def followed(case: Case) -> Case:
    """What the reporter follows: a merged duplicate shows its master's progress."""
    return outcome_case(case)
