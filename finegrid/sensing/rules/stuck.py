"""Flatline (stuck sensor): the same reading (within `epsilon`) at least `min_count` times over
at least `window_s` seconds. Kept as a run, so each reading costs O(1) whatever the window."""

from finegrid.sensing.kinds import severity

from . import CLEAR, Verdict, register


@register("stuck")
def evaluate(cfg, state, ts, value, ctx):
    run = state.scratch.get(ctx.name)  # [first ts, value, count]
    if cfg.get("skip_zero") and value == 0:
        state.scratch.pop(ctx.name, None)
        return CLEAR if ctx.active else None
    if run is None or abs(value - run[1]) > cfg.get("epsilon", 0):
        state.scratch[ctx.name] = [ts, value, 1]
        return CLEAR if ctx.active else None
    run[2] += 1
    if run[2] >= cfg.get("min_count", 10) and ts - run[0] >= cfg["window_s"] * 1000:
        return Verdict(severity(cfg.get("severity", "blue")), run[1], "stuck")
    return None
