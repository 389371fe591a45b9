"""What a sensor measures, the range a real reading can take, the four alarm colours, and the
default rules of each kind (GB/T 50493-2019 for gas), which a site kind, a site and a sensor
may override in turn (see `rules.resolve`)."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    unit: str
    low: float   # a reading outside [low, high] is not physical: rejected, never stored
    high: float


KINDS = {k.code: k for k in [
    Kind("ch4", _("Combustible gas (CH4)"), "%LEL", 0, 100),
    Kind("h2s", _("Hydrogen sulphide (H2S)"), "mg/m³", 0, 1000),
    Kind("co", _("Carbon monoxide (CO)"), "mg/m³", 0, 5000),
    Kind("o2", _("Oxygen (O2)"), "%VOL", 0, 100),
    Kind("water_level", _("Water level"), "m", -50, 100),
    Kind("pressure", _("Pressure"), "kPa", -101, 100_000),
    Kind("temperature", _("Temperature"), "°C", -60, 400),
]}
KIND_CHOICES = [(k.code, k.label) for k in KINDS.values()]

# The four colour levels of Chinese early warning (预警): 蓝 < 黄 < 橙 < 红.
BLUE, YELLOW, ORANGE, RED = 1, 2, 3, 4
SEVERITIES = {"blue": BLUE, "yellow": YELLOW, "orange": ORANGE, "red": RED}
SEVERITY_CHOICES = [(BLUE, _("Blue (蓝)")), (YELLOW, _("Yellow (黄)")), (ORANGE, _("Orange (橙)")), (RED, _("Red (红)"))]
COLOURS = {BLUE: "#1f6fd1", YELLOW: "#e0b400", ORANGE: "#ee7b00", RED: "#d11f1f"}


def severity(name_or_level) -> int:
    """'orange' or 3 → 3; anything else raises ValueError."""
    if isinstance(name_or_level, int) and BLUE <= name_or_level <= RED:
        return name_or_level
    if name_or_level in SEVERITIES:
        return SEVERITIES[name_or_level]
    raise ValueError(f"unknown severity {name_or_level!r}")


# A detector stuck at one reading is broken, but clean air reads 0 %LEL all day: gas sensors
# only count as stuck away from zero.
_STUCK = {"kind": "stuck", "window_s": 1800, "min_count": 10, "epsilon": 0.0, "severity": "blue"}
_STUCK_GAS = {**_STUCK, "skip_zero": True}

# GB/T 50493-2019 §5.5: combustible gas 一级 ≤ 25 % LEL, 二级 ≤ 50 % LEL; toxic gas 一级 ≤ 100 %
# OEL, 二级 ≤ 200 % OEL (H2S: MAC 10 mg/m³; CO: PC-STEL 30 mg/m³, GBZ 2.1); oxygen outside
# 19.5–23.5 % VOL. The deadband is the hysteresis: an alarm clears only this far on the safe side.
DEFAULT_RULES = {
    "ch4": {
        "threshold": {"kind": "threshold", "high": [[25, "orange"], [50, "red"]], "deadband": 2},
        "rate": {"kind": "rate", "per_min": 5, "window_s": 60, "severity": "yellow"},  # a leak that grows
        "stuck": _STUCK_GAS,
    },
    "h2s": {"threshold": {"kind": "threshold", "high": [[10, "orange"], [20, "red"]], "deadband": 1},
            "stuck": _STUCK_GAS},
    "co": {"threshold": {"kind": "threshold", "high": [[30, "orange"], [60, "red"]], "deadband": 3},
           "stuck": _STUCK_GAS},
    "o2": {"threshold": {"kind": "threshold", "low": [[19.5, "orange"]], "high": [[23.5, "orange"]],
                         "deadband": 0.3}},
    # Road ponding (积水) depth at a 易涝点: 15 cm and 30 cm, as the catalogue's 水位超限 says.
    "water_level": {
        "threshold": {"kind": "threshold", "high": [[0.15, "orange"], [0.30, "red"]], "deadband": 0.03,
                      "count": 2},
        "rate": {"kind": "rate", "per_min": 0.02, "window_s": 300, "severity": "yellow"},
        "stuck": _STUCK,
    },
    "pressure": {"stuck": _STUCK},
    "temperature": {"stuck": _STUCK},
}

# Site kinds whose own standard differs. A utility tunnel's gas compartment (综合管廊): alarm at
# 20 % LEL; shut the gas off at 35 % LEL, or when a second detector of the compartment confirms 20 %.
SITE_KIND_RULES = {
    "tunnel": {
        "ch4": {
            "threshold": {"high": [[20, "orange"]]},
            "shutoff": {"kind": "combined", "severity": "red", "action": "shut-off", "any": [
                {"sensor": "self", "op": ">=", "value": 35},
                {"all": [{"sensor": "self", "op": ">=", "value": 20},
                         {"sensor": "other:ch4", "op": ">=", "value": 20}]},
            ]},
        },
    },
}

OFFLINE_SEVERITY = BLUE
LOST_SEVERITY = YELLOW  # messages lost upstream (报文丢失): readings nobody will see again
