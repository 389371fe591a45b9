"""Rate of change: the change over the last `window_s` seconds, per minute, at or above
`per_min` (rising, or falling with direction "fall", or either with "both"). Clears below half."""

from bisect import bisect_left

from finegrid.sensing.kinds import severity

from . import CLEAR, Verdict, register


@register("rate")
def evaluate(cfg, state, ts, value, ctx):
    window_ms = cfg["window_s"] * 1000
    history = state.history
    first = bisect_left(history, ts - window_ms, key=lambda row: row[0])
    start_ts, start_value = history[first]
    if ts - start_ts < window_ms / 2:
        return None  # too little history to tell a trend from noise
    rate = (value - start_value) * 60_000 / (ts - start_ts)
    direction = cfg.get("direction", "rise")
    rate = abs(rate) if direction == "both" else (-rate if direction == "fall" else rate)
    if rate >= cfg["per_min"]:
        return Verdict(severity(cfg.get("severity", "yellow")), cfg["per_min"], f"{rate:.3g}/min")
    if ctx.active and rate < cfg["per_min"] / 2:
        return CLEAR
    return None
