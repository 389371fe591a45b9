"""以实绩论英雄 with 差异化考核: each unit scored on its key tasks beside its cases, in one score
(`evaluate_together`), under the weights of its class (经济发展类, 社会事业类, 综合保障类, 街道/镇)
that the administrator sets (`ClassWeight`, over the weights in force); ranked within its class."""

from dataclasses import dataclass

from finegrid.cases.evaluation import CASES, evaluate_together, period_bounds, weights_in_force

from .engine import TASK_COHORTS
from .models import ClassWeight, UnitClass

COHORTS = (CASES, *TASK_COHORTS)
UNCLASSED = ""


@dataclass
class Ranked:
    rank: int | None
    key: str
    name: str
    klass: str
    score: float | None
    values: dict
    cells: list = None  # the values of the table's indicators, in per cent


@dataclass
class Table:
    keys: list  # the indicators shown, key tasks' first, then the cases'
    rows: list[Ranked]
    terms: list = None  # each key's standard term (按期完成率 …)


def class_weights() -> dict[str, dict]:
    base = weights_in_force()
    found = {UNCLASSED: base}
    for klass, indicator, weight in ClassWeight.objects.values_list("klass", "indicator", "weight"):
        found.setdefault(klass, dict(base))[indicator] = weight
    return found


def evaluation_rows(period: str) -> Table:
    start, end = period_bounds(period)
    classes = dict(UnitClass.objects.values_list("unit__code", "klass"))
    labels = dict(UnitClass.Class.choices)
    weights = class_weights()
    ranked, keys = [], set()
    for klass in sorted({*classes.values(), UNCLASSED}):
        rows = evaluate_together(COHORTS, start, end, "unit", weights.get(klass, weights[UNCLASSED]))
        mine = [row for row in rows if classes.get(row.key, UNCLASSED) == klass]
        scored = sorted((r for r in mine if r.score is not None), key=lambda r: -r.score)
        position = {id(r): n for n, r in enumerate(scored, start=1)}
        for row in mine:
            keys.update(k for k, v in row.values.items() if v is not None)
            ranked.append(Ranked(position.get(id(row)), row.key, row.name, str(labels.get(klass, "—")),
                                 row.score, row.values))
    ranked.sort(key=lambda r: (r.klass == "—", r.klass, r.rank is None, r.rank or 0, r.key))
    cohorts = [*TASK_COHORTS, CASES]
    order = [k for c in cohorts for k in c.indicators if k in keys]
    terms = [c.indicators[k].term for c in cohorts for k in c.indicators if k in keys]
    for row in ranked:
        row.cells = [None if row.values.get(k) is None else round(100 * row.values[k], 1) for k in order]
    return Table(order, ranked, terms)
