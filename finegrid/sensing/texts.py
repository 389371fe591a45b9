"""What an alarm says, in the reader's language. An alarm stores a code and its parameters
(`Alarm.text_code`, `Alarm.text_params`), written by the ingest, which has no reader; the sentence
is made when it is shown (`Alarm.text`, in the active language), so the same alarm reads
"离线：92 秒无读数（应每 30 秒上报）" in the Chinese interface and "offline: no reading for 92 s
(expected every 30 s)" in the English one. `Alarm.summary` keeps the sentence in the source
language for plain SQL, the admin's search and alarms written before codes existed.

Each code has one function: params (JSON-safe) → sentence. Numbers keep the formatting the rules
gave them (`%g`): a reading of 31 is "31", not "31.0"."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from .kinds import KINDS

THRESHOLD, STUCK, RATE, ACTION, LOST, OFFLINE = "threshold", "stuck", "rate", "action", "lost", "offline"


def _number(value) -> str:
    return f"{value:g}" if isinstance(value, (int, float)) else str(value)


def _named(p: dict) -> dict:
    """The parameters with the sensor's kind named in the reader's words (CH4 → 可燃气体（甲烷）)."""
    kind = KINDS.get(str(p.get("name", "")).lower().replace(" ", "_"))
    return {**p, "name": str(kind.label) if kind else p.get("name", ""), "value": _number(p.get("value"))}


def _threshold(p: dict) -> str:
    template = (_("%(kind)s %(value)s %(unit)s, at or below %(limit)s") if p["sign"] == "≤"
                else _("%(kind)s %(value)s %(unit)s, at or above %(limit)s"))
    named = _named(p)
    return template % {"kind": named["name"], "value": named["value"], "unit": p["unit"],
                       "limit": _number(p["threshold"])}


def _stuck(p: dict) -> str:
    return _("%(name)s stuck at %(value)s %(unit)s") % _named(p)


def _rate(p: dict) -> str:
    return _("%(name)s changing by %(rate)s per minute (%(value)s %(unit)s)") % {**_named(p), "rate": p["rate"]}


ACTIONS = {"shut-off": lambda: _("shut-off")}  # the combined rules' actions (kinds.py)


def _action(p: dict) -> str:
    said = ACTIONS.get(p["action"])
    named = _named(p)
    return f"{named['name']} {named['value']} {p['unit']}: {said() if said else p['action']}"


def _lost(p: dict) -> str:
    lost, first, last = int(p["lost"]), p["first"], p["last"]
    what = ngettext("lost %(lost)s message", "lost %(lost)s messages", lost) % {"lost": lost}
    span = (_("numbers %(first)s–%(last)s") if last > first else _("number %(first)s")) % {"first": first, "last": last}
    if p["gaps"] == 1:
        return _("%(what)s (%(span)s)") % {"what": what, "span": span}
    return _("%(what)s in %(gaps)s gaps (last: %(span)s)") % {"what": what, "gaps": p["gaps"], "span": span}


def _offline(p: dict) -> str:
    return _("offline: no reading for %(silent)s s (expected every %(interval)s s)") % p


RENDER = {THRESHOLD: _threshold, STUCK: _stuck, RATE: _rate, ACTION: _action, LOST: _lost, OFFLINE: _offline}


def render(code: str, params: dict, fallback: str = "") -> str:
    """The sentence of `code` with `params` in the active language; `fallback` for an alarm
    without a code (written before codes) or one this version cannot read."""
    try:
        return RENDER[code](params)
    except (KeyError, TypeError, ValueError):
        return fallback


def source(code: str, params: dict) -> str:
    """The sentence in the source language (English), for `Alarm.summary`."""
    with override("en"):
        return render(code, params)[:200]
