"""A case's history told in plain words, and its deadline as a person reads it."""

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

from finegrid.cases.actions import ACTIONS, FINAL
from finegrid.cases.models import Case, Transition

STATE_LABELS = dict(Case.State.choices)
CHANNEL_LABELS = dict(Case.Channel.choices)  # an intake channel acts under its own name ("hotline")


@dataclass
class Line:
    at: datetime
    who: str
    what: str
    reason: str
    photos: list


def story(transitions: list[Transition], names: dict[int, str], photos: dict[int, list]) -> list[Line]:
    """One line per transition: '张伟 (受理员) Accept (立案): now Accepted; due 11-28 17:30'."""
    return [Line(t.at, _who(t, names), _what(t), t.reason, photos.get(t.pk, [])) for t in transitions]


def _who(t: Transition, names: dict) -> str:
    name = names.get(t.actor_id) or t.actor_label
    if t.actor_id is None:
        if t.actor_label == "system":
            return _("the system")
        return str(CHANNEL_LABELS.get(t.actor_label, t.actor_label))
    return name


def _what(t: Transition) -> str:
    act = ACTIONS.get(t.action)
    label = str(act.label) if act else t.action
    parts = [label]
    if t.to_state != t.from_state:
        parts.append(_("now %(state)s") % {"state": STATE_LABELS.get(t.to_state, t.to_state)})
    if t.data.get("alarm"):
        parts.append(str(dict(Case.Alarm.choices).get(t.data["alarm"], t.data["alarm"])))
    if t.data.get("level"):
        parts.append(_("level %(n)s") % {"n": t.data["level"]})
    if t.data.get("unit"):  # the unit by its name, as people know it; its code where the row has none
        parts.append(_("to unit %(unit)s") % {"unit": t.unit.name if t.unit_id else t.data["unit"]})
    if t.data.get("rating"):
        parts.append(_("rated %(n)s of 5") % {"n": t.data["rating"]})
    if t.data.get("master"):
        parts.append(_("into %(ticket)s") % {"ticket": t.data["master"]})
    if t.data.get("limit"):
        parts.append(_("asks for %(limit)s more") % {"limit": t.data["limit"]})
    return "; ".join(parts)


def deadline(case: Case, now: datetime) -> dict | None:
    """The countdown and its colour: green on time, yellow when due soon (临期), red overdue."""
    if case.due_at is None:
        return None
    running = case.state not in FINAL and case.state != Case.State.PARKED
    seconds = (case.due_at - now).total_seconds()
    if not running:
        colour = "grey"
    elif seconds < 0 or case.alarm == "red":
        colour = "red"
    elif case.alarm == "yellow":
        colour = "yellow"
    else:
        colour = "green"
    text = remaining_text(seconds) if running else _("the clock has stopped")
    return {"due": case.due_at, "seconds": int(seconds), "running": running, "colour": colour, "text": text}


def remaining_text(seconds: float) -> str:
    late, seconds = seconds < 0, abs(int(seconds))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        span = _("%(d)d d %(h)d h") % {"d": days, "h": hours}
    else:
        span = _("%(h)d h %(m)d min") % {"h": hours, "m": minutes}
    return (_("overdue by %(span)s") if late else _("%(span)s left")) % {"span": span}
