"""The hotline's three-level topic tree (data/topic-tree.json: 15 first-level classes → their second
level → its third-level names; 517 leaves, the facts of the public classification) as knowledge for the topic model, in two ways:

- `tree_records()`: one short training text per branch ("公共汽车" filed under 城乡建设), so the
  model learns where the taxonomy files a subject that neither the seed corpus nor the district's
  history has mentioned;
- `TreeHints`: per appeal and first-level class, how many of that class's tree terms the text
  contains (公交车 is 城乡建设's, 文物保护 is 教育文体's, 噪音污染 is 环境保护's).

Measured on the real labelled messages (5-fold CV, README): the two together lift topic macro-F1
from 0.80 to about 0.87. The tree is the public classification of the hotline, a fact finegrid
carries, not anybody's messages."""

import json
import re
from collections import defaultdict
from functools import cache
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix

from .openings import TermOpenings
from .taxonomy import TOPICS

TREE = Path(__file__).resolve().parent / "data" / "topic-tree.json"
OTHER = "其他"
# A branch name often lists several subjects: "房产证登记、办理", "棚户区和城中村改造".
TERM_SPLIT = re.compile(r"[、和与及]")


@cache
def tree() -> tuple[tuple[str, str, str], ...]:
    nested = json.loads(TREE.read_text(encoding="utf-8"))
    return tuple((topic, second, third) for topic, branches in nested.items()
                 for second, thirds in branches.items() for third in thirds)


def tree_records() -> list[dict]:
    """A training text per branch of the tree; a branch that is only 其他 says nothing."""
    records = []
    for topic, second, third in tree():
        third = "" if third == OTHER else third
        if second == OTHER and not third:
            continue
        records.append({"text": f"{second}{third}问题", "title": third or second, "topic": topic, "from_tree": True})
    return records


@cache
def tree_terms() -> dict[str, frozenset[int]]:
    """Every second- and third-level term of two characters or more → the classes (indices into
    TOPICS) that file it; a few terms (安全隐患) sit under two classes."""
    terms = defaultdict(set)
    for topic, second, third in tree():
        for name in (second, third):
            for term in TERM_SPLIT.split(name):
                if len(term) >= 2 and term != OTHER:
                    terms[term].add(TOPICS.index(topic))
    return {term: frozenset(classes) for term, classes in terms.items()}


class TreeHints:
    """Counts tree terms in texts in one pass each (Aho–Corasick, as the gazetteer does)."""

    def __init__(self):
        import ahocorasick

        self.automaton = ahocorasick.Automaton()
        for term, classes in tree_terms().items():
            self.automaton.add_word(term, (term, classes))
        self.automaton.make_automaton()

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state.pop("_openings", None)  # rebuilt from the automaton's own terms after loading
        return state

    def openings(self) -> TermOpenings:
        """The openings of the automaton's terms (those of the tree it was trained with)."""
        if getattr(self, "_openings", None) is None:
            self._openings = TermOpenings(list(self.automaton.keys()))
        return self._openings

    def transform(self, texts: list[str]) -> csr_matrix:
        """(len(texts) × 15): per text and class, how many distinct terms of that class it holds."""
        rows, cols = [], []
        may_hold = self.openings().may_hold(texts)  # most texts hold no term: they skip the scan
        for row, text in enumerate(texts):
            found = dict(match for _, match in self.automaton.iter(text)) if may_hold[row] else {}
            for classes in found.values():  # a term counts once per text, however often it is said
                rows.extend([row] * len(classes))
                cols.extend(classes)
        counted = csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(texts), len(TOPICS)))
        counted.sum_duplicates()
        return counted
