"""Threshold with levels (high and/or low), a duration ("for N s") and a repetition ("N in a
row"), cleared with hysteresis: only once the value is `deadband` past every level."""

from . import CLEAR, Verdict, register


@register("threshold")
def evaluate(cfg, state, ts, value, ctx):
    levels = cfg["_levels"]  # parsed once by rules.compiled
    count, for_ms = cfg.get("count", 1), cfg.get("for_s", 0) * 1000
    streaks = state.scratch.setdefault(ctx.name, {})  # level index → [readings in a row, since ts]
    best = None
    for index, (limit, level, high) in enumerate(levels):
        if not (value >= limit if high else value <= limit):
            streaks.pop(index, None)
            continue
        streak = streaks.setdefault(index, [0, ts])
        streak[0] += 1
        if streak[0] >= count and ts - streak[1] >= for_ms and (best is None or level > best.level):
            best = Verdict(level, limit, "" if high else "low")
    if best is not None:
        return best
    deadband = cfg.get("deadband", 0)
    if ctx.active and all((value < limit - deadband) if high else (value > limit + deadband)
                          for limit, _, high in levels):
        return CLEAR
    return None
