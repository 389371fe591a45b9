"""What the sensing pages say, in the reader's language: the thresholds in force for a sensor, an
alarm's text and its history in words, and a sensor's trend as a small SVG drawn on the server.

An alarm's own sentence comes from the engine (`Alarm.text`, sensing/texts.py: a code and its
parameters rendered in the reader's language); this module says the rest around it."""

from dataclasses import dataclass
from datetime import UTC, datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from . import queries
from . import rules as rulebook
from .alarms import ESCALATE_AFTER, LOST
from .kinds import COLOURS, KINDS, SEVERITY_CHOICES, severity

SEVERITY_NAMES = dict(SEVERITY_CHOICES)
TREND_HOURS = 24
TREND_POINTS = 400  # a polyline of more points than the chart has pixels draws nothing more


def level_name(level: int) -> str:
    return str(SEVERITY_NAMES.get(level, level))


# ── thresholds ───────────────────────────────────────────────────────────────────────────────
def thresholds(sensor) -> list[dict]:
    """The rules in force for a sensor (its kind's defaults, then its site kind's, its site's and
    its own overrides), each as {"text", "levels": [(limit, level)]} for the page and the chart."""
    site = sensor.device.site
    kind = KINDS[sensor.kind]
    rules = rulebook.resolve(sensor.kind, site.kind, site.rules, sensor.rules)
    return [{"name": name, "text": _rule_text(cfg, kind), "levels": _levels(cfg)} for name, cfg in rules.items()]


def _levels(cfg) -> list[tuple[float, int]]:
    if cfg.get("kind") != "threshold":
        return []
    return [(limit, severity(level)) for limit, level in cfg.get("high", []) + cfg.get("low", [])]


def _rule_text(cfg: dict, kind) -> str:
    unit = kind.unit
    if cfg["kind"] == "threshold":
        parts = [_("≥ %(limit)s %(unit)s: %(level)s") % {"limit": f"{limit:g}", "unit": unit, "level": level_name(severity(level))}
                 for limit, level in cfg.get("high", [])]
        parts += [_("≤ %(limit)s %(unit)s: %(level)s") % {"limit": f"{limit:g}", "unit": unit, "level": level_name(severity(level))}
                  for limit, level in cfg.get("low", [])]
        text = " · ".join(parts)
        if cfg.get("count", 1) > 1:
            text += " " + _("(%(n)s readings in a row)") % {"n": cfg["count"]}
        if cfg.get("deadband"):
            text += " " + _("— clears %(band)s %(unit)s back on the safe side") % {"band": f"{cfg['deadband']:g}", "unit": unit}
        return text
    if cfg["kind"] == "rate":
        return _("rising %(rate)s %(unit)s a minute or faster (over %(window)s s): %(level)s") % {
            "rate": f"{cfg['per_min']:g}", "unit": unit, "window": cfg.get("window_s", 60),
            "level": level_name(severity(cfg.get("severity", "yellow")))}
    if cfg["kind"] == "stuck":
        return _("the same reading for %(minutes)s min (%(n)s readings or more): %(level)s, the detector may be broken") % {
            "minutes": cfg.get("window_s", 1800) // 60, "n": cfg.get("min_count", 10),
            "level": level_name(severity(cfg.get("severity", "blue")))}
    if cfg["kind"] == "combined":
        return _("combined condition with the site's other detectors: %(level)s, %(action)s") % {
            "level": level_name(severity(cfg.get("severity", "red"))), "action": _action(cfg.get("action", ""))}
    return cfg["kind"]


def _action(action: str) -> str:
    return _("shut the gas off") if action == "shut-off" else (action or "—")


def offline_text(device) -> str:
    return _("no reading for more than %(limit)s s (expected every %(interval)s s)") % {
        "limit": device.interval_s * device.offline_after, "interval": device.interval_s}


def _number(value) -> str:
    return "—" if value is None else f"{value:g}"


@dataclass
class Step:
    at: datetime
    colour: str
    text: str
    who: str = ""


def history(alarm, events) -> list[Step]:
    """The alarm's events, oldest first, each saying what changed and why (raised at a level,
    worsened by a reading, escalated because nobody acknowledged, acknowledged, cleared)."""
    kind = KINDS.get(alarm.sensor.kind) if alarm.sensor_id else None
    unit = kind.unit if kind else ""
    steps, level = [], None
    for event in events:
        reading = _("reading %(value)s %(unit)s") % {"value": _number(event.value), "unit": unit} if event.value is not None else ""
        colour = COLOURS.get(event.severity, "#8795a8")
        if event.action == "raise":
            detail = offline_text(alarm.device) if alarm.rule == "offline" else (reading if alarm.rule != LOST else "")
            text = (_("Raised, %(level)s: %(detail)s") if detail else _("Raised, %(level)s")) % {
                "level": level_name(event.severity), "detail": detail}
        elif event.action == "worse":
            text = _("Worsened from %(before)s to %(level)s: %(reading)s passed the next threshold") % {
                "before": level_name(level) if level else "—", "level": level_name(event.severity), "reading": reading}
        elif event.action == "escalate":
            step = int(event.comment.split()[-1]) if event.comment.split()[-1:] and event.comment.split()[-1].isdigit() else 0
            after = int(ESCALATE_AFTER[step - 1].total_seconds() // 60) if 0 < step <= len(ESCALATE_AFTER) else None
            text = _("Escalated from %(before)s to %(level)s: nobody had acknowledged it %(minutes)s min after it was raised") % {
                "before": level_name(level) if level else "—", "level": level_name(event.severity),
                "minutes": after if after is not None else "?"}
        elif event.action == "case":
            text = _("A case was opened for it")
        elif event.action == "ack":
            text = _("Acknowledged") + (f": {event.comment}" if event.comment else "")
        elif event.action == "clear":
            text = _("Cleared, back within the limits") + (f" ({reading})" if reading else "")
        else:
            text = event.action
        steps.append(Step(event.at, colour, text, event.actor_label if event.action == "ack" else ""))
        level = event.severity
    return steps


# ── the trend chart ──────────────────────────────────────────────────────────────────────────
LABEL_PX = 12  # the height an axis number needs (font-size 11)


def trend(sensor, now: datetime, width: int = 600, height: int = 170) -> dict | None:
    """A sensor's readings of the last TREND_HOURS as an SVG polyline on a time axis, with its
    threshold levels drawn across; None when it has no reading in the window."""
    since = int((now.timestamp() - TREND_HOURS * 3600) * 1000)
    rows = queries.readings(sensor, since)
    if not rows:
        return None
    rows = rows[:: max(1, len(rows) // TREND_POINTS)]
    levels = [level for rule in thresholds(sensor) for level in rule["levels"]]
    values = [v for _, v in rows]
    low = min(min(values), *(limit for limit, _ in levels)) if levels else min(values)
    high = max(max(values), *(limit for limit, _ in levels)) if levels else max(values)
    low, high = min(low, 0), high + (high - min(low, 0)) * 0.08 or 1
    first, last = rows[0][0], max(rows[-1][0], rows[0][0] + 1)
    left, right, top, bottom = 44, width - 8, 8, height - 20

    def x(ts):
        return round(left + (ts - first) / (last - first) * (right - left), 1)

    def y(value):
        return round(bottom - (value - low) / (high - low) * (bottom - top), 1)

    drawn = [{"y": y(limit), "colour": COLOURS[level], "label": f"{limit:g}"} for limit, level in levels]
    top_y = top + 10
    # The axis top's number is left out where a level's would be written over it (54 over 50).
    crowded = any(abs(level["y"] - top_y) < LABEL_PX for level in drawn)
    return {
        "width": width, "height": height, "left": left, "right": right, "bottom": bottom,
        "points": " ".join(f"{x(ts)},{y(v)}" for ts, v in rows),
        "levels": drawn,
        "top_label": "" if crowded else f"{high:.3g}", "low_label": f"{low:.3g}", "top_y": top_y,
        "first": _clock(first), "last": _clock(last), "unit": KINDS[sensor.kind].unit,
        "min": f"{min(values):g}", "max": f"{max(values):g}", "n": len(values),
    }


def _clock(ms: int) -> str:
    return timezone.localtime(datetime.fromtimestamp(ms / 1000, tz=UTC)).strftime("%m-%d %H:%M")
