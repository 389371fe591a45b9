"""The catalogue leaf to suggest for an appeal: always a level-2 category with a rule, so the
立案 queue accepts it in one click and the responsibility matrix can pick its unit.

Two sources, in this order:
- the city-management leaves (部件 and 事件, catalogue domains component and event) named in the
  text: each leaf's own name and keywords are its terms, matched in one pass (Aho-Corasick); a
  term shared by k leaves gives each 1/k of its weight, so "限高杆" names C0211 outright while
  "井盖" only leans towards the manholes. Taken for a report of a fault (not a question or a
  suggestion) filed under a city-management topic, or whatever the topic when the object is
  named unambiguously;
- the hotline's second level under the model's topic: the subtopic head's ranking restricted to
  that topic's leaves, else the topic's general leaf (GENERAL below).

The names and keywords are the catalogue's own (cases/data/catalogue.json), so a leaf the
catalogue adds is found without touching this file."""

import json
import re
from dataclasses import dataclass
from functools import cache

import ahocorasick

from .openings import TermOpenings
from .taxonomy import CATALOGUE, hotline_codes

CITY_DOMAINS = ("component", "event")
# Hotline topics whose faults are the city's 部件 and 事件 (the rest are policy, rights, services).
CITY_TOPICS = {"城乡建设", "环境保护", "交通运输", "商贸旅游", "卫生计生", "政法"}
NOT_A_FAULT = {"咨询", "建议"}  # a question or suggestion about a lamp is not a lamp to repair
CLEAR = 1.5  # a leaf this sure is taken whatever the topic: a 3-character term that names it alone
TAKEN = 0.99  # below this the city leaves only rank behind the hotline's second level
# Each topic's general second level, for when nothing more specific is known: the leaf the
# hotline files most of the topic's everyday appeals under (its 其他 says less).
GENERAL = {
    "城乡建设": "城市建设和市政管理", "环境保护": "环境污染", "交通运输": "交通运输", "劳动和社会保障": "工资福利",
    "卫生计生": "医政监管", "政法": "社会治安", "民政": "社会服务", "教育文体": "教育行政管理", "商贸旅游": "市场监管",
    "党务政务": "政治体制", "农村农业": "村务管理", "国土资源": "土地资源管理", "科技与信息产业": "电信",
    "纪检监察": "失职渎职", "经济管理": "金融财税",
}
# A term followed by a locative names where the problem is, not what is broken: "人行道上井盖碎了"
# is a manhole, "停车场里" a place. Such a mention counts for this share of its weight.
LOCATIVE_ONE = frozenset("上里边旁内中")
LOCATIVE_TWO = frozenset({"下面", "底下", "门口", "附近", "周边", "周围", "两边", "一带", "对面"})
AS_PLACE = 0.3
GENERIC = ("不明", "其他")
BRACKETS = re.compile(r"[（(]([^）)]*)[）)]")
SPLIT = re.compile(r"[、，,及和/]")


@dataclass(frozen=True)
class LeafChoice:
    code: str
    score: float
    source: str  # "named" (a 部件/事件 leaf named in the text) or "hotline"


@cache
def _city_leaves() -> tuple[dict[str, str], dict[str, list[str]]]:
    """(code → name, term → codes) of every 部件 and 事件 leaf."""
    rows = json.loads(CATALOGUE.read_text(encoding="utf-8"))
    names, terms = {}, {}
    for row in rows:
        if row["domain"] in CITY_DOMAINS and row["level"] == 2:
            names[row["code"]] = row["name"]
            for term in _terms(row["name"], row.get("keywords", [])):
                terms.setdefault(term, [])
                if row["code"] not in terms[term]:
                    terms[term].append(row["code"])
    return names, terms


@cache
def catalogue_leaves() -> frozenset[str]:
    """Every leaf of the default catalogue (level 2: each has a rule, catalogue.py checks it)."""
    return frozenset(row["code"] for row in json.loads(CATALOGUE.read_text(encoding="utf-8")) if row["level"] == 2)


def _terms(name: str, keywords: list[str]) -> set[str]:
    """A leaf's name (垃圾箱（果皮箱、桶）: 垃圾箱, 果皮箱), its parts and its keywords."""
    inside = [part for group in BRACKETS.findall(name) for part in SPLIT.split(group)]
    outside = SPLIT.split(BRACKETS.sub("", name))
    return {t.strip() for t in [*outside, *inside, *keywords] if len(t.strip()) >= 2}


@cache
def _automaton() -> ahocorasick.Automaton:
    """Each term's value: (the term, ((leaf, weight), …)), its weights worked out once."""
    names, terms = _city_leaves()
    automaton = ahocorasick.Automaton()
    for term, codes in terms.items():
        # A term shared by several leaves names their catch-all (不明井盖) for certain.
        weights = tuple((code, len(term) / 2 / (1 if names[code].startswith(GENERIC) else len(codes))) for code in codes)
        automaton.add_word(term, (term, weights))
    automaton.make_automaton()
    return automaton


@cache
def _openings() -> TermOpenings:
    return TermOpenings(list(_city_leaves()[1]))


def may_name_leaves(texts: list[str]) -> list[bool]:
    """Per text, False when it names no 部件 or 事件 leaf for certain (openings.py): one numpy pass
    over a batch, which spares most appeals their scan in `choose`."""
    return _openings().may_hold(texts).tolist()


def named_leaves(text: str) -> list[LeafChoice]:
    """The 部件 and 事件 leaves the text names, best first: each matched term (counted once, the
    longest at a place) gives len(term) / 2 / (number of leaves it names) to each of its leaves,
    less when it is only said as the place of the problem (LOCATIVE)."""
    said: dict[str, tuple[float, tuple]] = {}
    for end, (term, weights) in _automaton().iter_long(text):
        as_place = text[end + 1:end + 2] in LOCATIVE_ONE or text[end + 1:end + 3] in LOCATIVE_TWO
        factor = AS_PLACE if as_place else 1.0
        if term not in said or said[term][0] < factor:
            said[term] = (factor, weights)
    scores: dict[str, float] = {}
    for factor, weights in said.values():
        for code, weight in weights:
            scores[code] = scores.get(code, 0.0) + factor * weight
    return [LeafChoice(code, round(score, 3), "named") for code, score in sorted(scores.items(), key=lambda kv: -kv[1])]


def hotline_leaves(topic: str, ranked_subtopics: list[str]) -> list[str]:
    """The topic's second-level leaves in the order of `ranked_subtopics`, then its general one."""
    codes = hotline_codes()
    out = [codes[(topic, sub)] for sub in ranked_subtopics if (topic, sub) in codes]
    general = codes.get((topic, GENERAL.get(topic, "")))
    return list(dict.fromkeys(out + ([general] if general else [])))


def choose(text: str, topic: str, request_type: str, ranked_subtopics: list[str], top: int = 3,
           may_name: bool = True) -> list[LeafChoice]:
    """Up to `top` leaves, best first; the first is the suggestion. Never empty for a known topic.
    `may_name` false (may_name_leaves said so) skips looking for the leaves the text names."""
    named = [] if request_type in NOT_A_FAULT or not may_name else named_leaves(text)
    lead = [c for c in named if c.score >= CLEAR or (c.score >= TAKEN and topic in CITY_TOPICS)]
    hotline = [LeafChoice(code, 0.0, "hotline") for code in hotline_leaves(topic, ranked_subtopics)]
    rest = [c for c in named if c not in lead]
    ranked = lead[:1] + hotline[:1] + lead[1:] + rest + hotline[1:]
    return list({c.code: c for c in ranked}.values())[:top]
