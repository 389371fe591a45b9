"""A lead unit for a task, suggested from each unit's 三定 duties and the district's earlier
assignments, with a confidence like a dispatch suggestion's.

Character bigrams weighted by TF-IDF (Chinese needs no word splitting for this: 招商, 就业,
古城 are bigrams), cosine similarity of the task to each unit's duties, plus its similarity
to the nearest task the unit led before. On the seed report's 16 items with the demo's duties,
acceptable leads (lenient / strict reading): bigrams 16 / 14, unigrams + bigrams 16 / 14, bigrams +
trigrams 16 / 15, plain keyword overlap 14 / 13; one item is noise on sixteen, so the simplest and
fastest stays."""

import math
import re
from collections import Counter

TEMPERATURE = 0.04  # similarities (0–0.5) → a confidence a near tie splits; not yet calibrated on outcomes
CO_UNIT_SHARE = 0.6  # a co-unit scores at least this share of the lead's score …
CO_UNIT_MIN = 0.06  # … and at least this similarity
CO_UNITS_MAX = 3
CONTEXT_WEIGHT = 0.3  # the titles above a task, against its own words (measured on the demo report)
HISTORY_WEIGHT = 0.8  # an earlier assignment of a near-identical task counts nearly as much as the duties
# Bigrams every duty text and every task share: they say nothing about who does what.
GENERIC = set("负责 工作 建设 推进 推动 组织 实施 管理 指导 全区 相关 有关 加强 完善 落实 承担 开展 协调 监督 "
              "发展 加快 持续 全面 提升 强化 深化 优化 服务 体系 机制 制度 政策 稳定 新增 新建 建成 全年 年底 以上 "
              "提档 升级 水平 重点 质量 能力 完成 实现".split())
HAN = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]+")


def bigrams(text: str) -> Counter:
    grams = Counter()
    for run in HAN.findall(text):
        grams.update(run[i:i + 2] for i in range(len(run) - 1))
    for word in GENERIC & grams.keys():
        del grams[word]
    return grams


class UnitIndex:
    """The units' duties (and earlier tasks) as TF-IDF vectors, built once per decomposition."""

    def __init__(self, units=(), history=()):
        self.names, duties = [], []
        for name, text in (_name_and_duties(u) for u in units):
            if name and name not in self.names:
                self.names.append(name)
                duties.append(bigrams(text))
        past = [(bigrams(task), unit) for task, unit in history if unit in self.names]
        documents = duties + [grams for grams, _ in past]
        frequency = Counter(g for doc in documents for g in doc)
        self.idf = {g: math.log((1 + len(documents)) / (1 + n)) + 1 for g, n in frequency.items()}
        self.duties = _postings([self._vector(doc) for doc in duties])
        self.past_units = [unit for _, unit in past]
        self.past = _postings([self._vector(grams) for grams, _ in past])
        self._context_scores: dict[str, dict[str, float]] = {}

    def _vector(self, grams: Counter) -> dict:
        vector = {g: (1 + math.log(n)) * self.idf[g] for g, n in grams.items() if g in self.idf}
        norm = math.sqrt(sum(w * w for w in vector.values())) or 1.0
        return {g: w / norm for g, w in vector.items()}

    def scores(self, text: str) -> dict[str, float]:
        """Cosine similarity of the text to each unit's duties, raised by the nearest earlier task it led."""
        query = self._vector(bigrams(text))
        duty = _similarities(query, self.duties, len(self.names))
        scores = dict(zip(self.names, duty))
        for similarity, unit in zip(_similarities(query, self.past, len(self.past_units)), self.past_units):
            if similarity:
                blended = similarity * HISTORY_WEIGHT + scores[unit] * (1 - HISTORY_WEIGHT)
                scores[unit] = max(scores[unit], blended)
        return scores

    def suggest(self, text: str, scores: dict | None = None) -> list[tuple[str, float]]:
        """Every unit with a confidence (0–1, summing to 1), best first; [] without units."""
        scores = self.scores(text) if scores is None else scores
        if not scores or max(scores.values()) <= 0:
            return []
        top = max(scores.values())
        weights = {name: math.exp((s - top) / TEMPERATURE) for name, s in scores.items()}
        total = sum(weights.values())
        order = {name: index for index, name in enumerate(self.names)}
        ranked = sorted(scores, key=lambda name: (-scores[name], order[name]))
        return [(name, round(weights[name] / total, 3)) for name in ranked]

    def lead_and_co_units(self, text: str, context: str = "") -> tuple[str, float, list[str]]:
        """The lead, its confidence and the co-units for a task; `context` (the titles above it)
        counts a little, so a clause that says little about whose it is leans to its section's unit."""
        scores = self.scores(text)
        if context:
            if context not in self._context_scores:  # siblings share their context: score it once
                self._context_scores[context] = self.scores(context)
            for name, score in self._context_scores[context].items():
                scores[name] += CONTEXT_WEIGHT * score
        top = max(scores.values(), default=0.0)
        if top <= 0:
            return "", 0.0, []
        ranked = sorted(scores, key=scores.get, reverse=True)  # stable: ties keep the units' order
        confidence = 1.0 / sum(math.exp((score - top) / TEMPERATURE) for score in scores.values())
        co = [name for name in ranked[1:CO_UNITS_MAX + 1] if scores[name] >= max(CO_UNIT_SHARE * top, CO_UNIT_MIN)]
        return ranked[0], round(confidence, 3), co


def suggest_units(text: str, units, history=()) -> list[tuple[str, float]]:
    """[(unit name, confidence)] for a task's text, best first. `units` are org Units or
    (name, duties) pairs; `history` is (task text, unit name) pairs of earlier assignments."""
    return UnitIndex(units, history).suggest(text)


def _name_and_duties(unit) -> tuple[str, str]:
    if isinstance(unit, (tuple, list)):
        return unit[0], unit[1]
    if isinstance(unit, dict):
        return unit["name"], unit.get("duties", "")
    return unit.name, unit.duties or ""


def _postings(vectors: list[dict]) -> dict[str, list[tuple[int, float]]]:
    """gram → [(document, weight)]: a query touches only the documents that share its bigrams."""
    postings: dict[str, list[tuple[int, float]]] = {}
    for index, vector in enumerate(vectors):
        for gram, weight in vector.items():
            postings.setdefault(gram, []).append((index, weight))
    return postings


def _similarities(query: dict, postings: dict, size: int) -> list[float]:
    totals = [0.0] * size
    for gram, weight in query.items():
        for index, other in postings.get(gram, ()):
            totals[index] += weight * other
    return totals
