"""How each stored case step reads to the person who reported it (the resident pages, Open311's
notes): the `public` of the case actions. An action without one (a deadline warning, an
escalation, an internal request) is never shown to residents."""

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop


def said(text: str):
    """A step that always reads the same."""
    return lambda row: _(text)


def accepted(row) -> str:
    due = _local(row.data.get("due_at"))
    return _("The case was accepted and is due by %(due)s.") % {"due": due} if due else _("The case was accepted.")


def dispatched(row) -> str:
    unit = _unit(row)
    return _("The case was sent to %(unit)s.") % {"unit": unit} if unit else _("The case was sent to the unit that must act.")


def reassigned(row) -> str:
    unit = _unit(row)
    return _("The case was passed on to %(unit)s.") % {"unit": unit} if unit else _("The case was passed on to another unit.")


def started(row) -> str:
    return _("%(unit)s started work on it.") % {"unit": _unit(row) or _("The unit")}


def reported_done(row) -> str:
    return _("%(unit)s reported the work done.") % {"unit": _unit(row) or _("The unit")}


def _unit(row) -> str:
    return row.unit.name if row.unit_id else ""


def _local(value) -> str:
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return ""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


# The fixed phrases: marked for translation here, translated when a page reads them (said()).
RECEIVED = gettext_noop("Your report was received.")
VERIFIED = gettext_noop("A grid worker checked the place and confirmed the problem.")
CHECKED = gettext_noop("A grid worker checked on site that the work is done.")
REWORK = gettext_noop("The check found the work unfinished; it was sent back to be done again.")
CLOSED = gettext_noop("The case was closed.")
RATED = gettext_noop("The result was rated.")
REOPENED = gettext_noop("The case was reopened after a dissatisfied rating.")
SENT_BACK = gettext_noop("The case went back one step to be handled again.")
EXTENDED = gettext_noop("More time was granted to finish the work.")
PARKED = gettext_noop("The problem cannot be solved at present; it is kept on record.")
RESUMED = gettext_noop("Work on the case resumed.")
PETITIONED = gettext_noop("Your appeal was also registered as a petition (信访件) with the petition office.")
VOIDED = gettext_noop("The report was found not to be a case for the district and was closed.")
MERGED = gettext_noop("The same problem was already reported; it is followed under one case.")
SUPERVISED = gettext_noop("The supervision office urged the unit to act.")
