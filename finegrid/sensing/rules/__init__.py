"""Alarm rules. Each kind lives in its own module and registers an `evaluate` function here:

    evaluate(cfg, state, ts, value, ctx) -> Verdict | None

`Verdict(level>0)` raises (or worsens) the rule's alarm, `CLEAR` clears it, None keeps whatever
is there (a duration not yet reached, a value inside the hysteresis band). A sensor's rules are
its kind's defaults, overridden by its site kind, its site and itself, each layer a dict of
rule name → fields (null switches a rule off)."""

from collections import deque
from dataclasses import dataclass
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


class Context:
    """What a rule may know besides its own sensor's reading: its name, the severity of its active
    alarm (0 when none) and, for combined rules, the latest values of the site's other sensors.
    One object per batch, updated for each rule (it is on the hot path)."""

    __slots__ = ("name", "active", "sensor", "_peers")

    def __init__(self, name: str, active: int, peers=None, sensor=None):
        self.name, self.active, self._peers, self.sensor = name, active, peers, sensor

    def peers(self, ref: str) -> list[float]:
        return self._peers(self.sensor, ref) if self._peers else []


class SensorState:
    """A sensor's recent past in this process: the window the rate rule needs, the last
    timestamp evaluated (older or repeated readings are stored but not evaluated again) and
    each rule's own scratch values (streaks, runs)."""

    __slots__ = ("horizon_ms", "history", "last_ts", "scratch")

    def __init__(self, horizon_ms: int, last_ts: int = -1):
        self.horizon_ms, self.last_ts = horizon_ms, last_ts
        self.history: deque = deque()  # (ts, value), oldest first, within the horizon
        self.scratch: dict = {}

    def push(self, ts: int, value: float) -> None:
        history = self.history
        history.append((ts, value))
        self.last_ts = ts
        oldest = ts - self.horizon_ms
        while history[0][0] < oldest:
            history.popleft()


def resolve(sensor_kind: str, site_kind: str = "", site_rules=None, sensor_rules=None, strict=False) -> dict:
    """The rules in force for a sensor: name → complete configuration (`strict`: keep unknown
    kinds, so `check` can name them)."""
    rules = {name: dict(cfg) for name, cfg in DEFAULT_RULES.get(sensor_kind, {}).items()}
    layers = [SITE_KIND_RULES.get(site_kind, {}).get(sensor_kind), (site_rules or {}).get(sensor_kind), sensor_rules]
    for layer in layers:
        for name, cfg in (layer or {}).items():
            if cfg is None:
                rules.pop(name, None)
            else:
                rules[name] = {**rules.get(name, {}), **cfg}
    return rules if strict else {name: cfg for name, cfg in rules.items() if cfg.get("kind") in REGISTRY}


def check(rules: dict) -> None:
    """Raises ValueError when a configuration names an unknown kind or severity."""
    for name, cfg in rules.items():
        if not isinstance(cfg, dict) or cfg.get("kind") not in REGISTRY:
            raise ValueError(f"rule {name}: unknown kind {cfg.get('kind')!r}")
        for _, level in cfg.get("high", []) + cfg.get("low", []):
            severity(level)
        if "severity" in cfg:
            severity(cfg["severity"])


def compiled(rules: dict) -> tuple:
    """(name, cfg, evaluate) for each rule, with the parsed forms the hot path wants."""
    out = []
    for name, cfg in rules.items():
        cfg = dict(cfg)
        if cfg["kind"] == "threshold":
            cfg["_levels"] = [(limit, severity(level), True) for limit, level in cfg.get("high", [])] + [
                (limit, severity(level), False) for limit, level in cfg.get("low", [])]
        out.append((name, cfg, REGISTRY[cfg["kind"]]))
    return tuple(out)


def horizon_ms(rules: dict) -> int:
    """How much history the rules need: the longest rate window."""
    return max((int(cfg.get("window_s", 0) * 1000) for cfg in rules.values() if cfg["kind"] == "rate"), default=0)


for _module in MODULES:
    import_module(f"{__name__}.{_module}")
