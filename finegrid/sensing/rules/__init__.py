"""Alarm rules. Each kind lives in its own module and registers an `evaluate` function here:

    evaluate(cfg, state, ts, value, ctx) -> Verdict | None

`Verdict(level>0)` raises (or worsens) the rule's alarm, `CLEAR` clears it, None keeps whatever
is there (a duration not yet reached, a value inside the hysteresis band). A sensor's rules are
its kind's defaults, overridden by its site kind, its site and itself, each layer a dict of
rule name → fields (null switches a rule off)."""

from dataclasses import dataclass, field
from importlib import import_module

from finegrid.sensing.kinds import DEFAULT_RULES, SITE_KIND_RULES, severity

REGISTRY: dict = {}
MODULES = ("threshold", "rate", "stuck", "combined")


def register(kind: str):
    def add(evaluate):
        REGISTRY[kind] = evaluate
        return evaluate
    return add


@dataclass(frozen=True)
class Verdict:
    level: int  # 0 clears; otherwise the severity (1 blue … 4 red)
    threshold: float | None = None
    note: str = ""


CLEAR = Verdict(0)


@dataclass
class Context:
    """What a rule may know besides its own sensor's reading."""

    name: str
    active: int  # the severity of the rule's active alarm, 0 when none
    peers: object = None  # callable(ref) -> list of the latest values of the site's other sensors


@dataclass
class SensorState:
    """A sensor's recent past in this process: the window the rate rule needs, the last
    timestamp evaluated (older or repeated readings are stored but not evaluated again) and
    each rule's own scratch values (streaks, runs)."""

    horizon_ms: int
    history: list = field(default_factory=list)  # [(ts, value)], oldest first, within the horizon
    last_ts: int = -1
    scratch: dict = field(default_factory=dict)

    def push(self, ts: int, value: float) -> None:
        self.history.append((ts, value))
        self.last_ts = ts
        if self.history[0][0] < ts - self.horizon_ms:
            cut = next(i for i, (t, _) in enumerate(self.history) if t >= ts - self.horizon_ms)
            del self.history[:cut]


def resolve(sensor_kind: str, site_kind: str = "", site_rules=None, sensor_rules=None) -> dict:
    """The rules in force for a sensor: name → complete configuration."""
    rules = {name: dict(cfg) for name, cfg in DEFAULT_RULES.get(sensor_kind, {}).items()}
    layers = [SITE_KIND_RULES.get(site_kind, {}).get(sensor_kind), (site_rules or {}).get(sensor_kind), sensor_rules]
    for layer in layers:
        for name, cfg in (layer or {}).items():
            if cfg is None:
                rules.pop(name, None)
            else:
                rules[name] = {**rules.get(name, {}), **cfg}
    return {name: cfg for name, cfg in rules.items() if cfg.get("kind") in REGISTRY}


def check(rules: dict) -> None:
    """Raises ValueError when a configuration names an unknown kind or severity."""
    for name, cfg in rules.items():
        if cfg.get("kind") not in REGISTRY:
            raise ValueError(f"rule {name}: unknown kind {cfg.get('kind')!r}")
        for _, level in cfg.get("high", []) + cfg.get("low", []):
            severity(level)
        if "severity" in cfg:
            severity(cfg["severity"])


def horizon_ms(rules: dict) -> int:
    """How much history the rules need: the longest rate window."""
    return max((int(cfg.get("window_s", 0) * 1000) for cfg in rules.values() if cfg["kind"] == "rate"), default=0)


for _module in MODULES:
    import_module(f"{__name__}.{_module}")
