"""Combined conditions over the site's sensors, nested with "all" / "any". A leaf compares a
sensor's latest value: "self", "other:KIND" (any other sensor of that kind at the site) or
"DEVICE/CODE". A utility tunnel's gas shut-off (see kinds.SITE_KIND_RULES) is one."""

import operator

from finegrid.sensing.kinds import severity

from . import CLEAR, Verdict, register

OPS = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt}


@register("combined")
def evaluate(cfg, state, ts, value, ctx):
    if holds(cfg, value, ctx):
        return Verdict(severity(cfg.get("severity", "red")), None, cfg.get("action", ""))
    return CLEAR if ctx.active else None


def holds(node: dict, value: float, ctx) -> bool:
    if "all" in node:
        return all(holds(child, value, ctx) for child in node["all"])
    if "any" in node:
        return any(holds(child, value, ctx) for child in node["any"])
    compare = OPS[node["op"]]
    values = [value] if node["sensor"] == "self" else ctx.peers(node["sensor"])
    return any(compare(v, node["value"]) for v in values)
