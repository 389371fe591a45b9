"""The batch prefilter in front of the automata (openings.py): a text that holds a term is never
passed over, wherever the term sits, and the labels come out as if every text were scanned."""

import pickle
import random

import numpy as np

from finegrid.insight import leaves
from finegrid.insight.corpus import generate
from finegrid.insight.model import model_text
from finegrid.insight.openings import TermOpenings
from finegrid.insight.taxonomy import TOPICS
from finegrid.insight.topic_tree import TreeHints, tree_terms

FILLER = "我们小区这边最近一直有人反映情况希望尽快派人过来看看谢谢"


def test_every_term_is_caught_at_the_start_the_middle_and_the_end_of_a_text():
    terms = [*leaves._city_leaves()[1], *tree_terms()]
    openings = TermOpenings(terms)
    texts = [text for term in terms for text in (term, f"{term}{FILLER}", f"{FILLER}{term}。", f"{FILLER[:7]}{term}x")]
    assert openings.may_hold(texts).all()


def test_a_nul_or_a_lone_surrogate_in_one_text_does_not_hide_the_next_texts_terms():
    openings = TermOpenings(["井盖", "路灯坏了"])
    flags = openings.may_hold(["有\x00个\x00空字符", "x\ud800y", "", "井盖没了", "路灯坏了三天", "井", "路灯"])
    assert flags.tolist() == [False, False, False, True, True, False, False]


def test_most_texts_without_a_term_are_passed_over():
    openings = TermOpenings(leaves._city_leaves()[1])
    texts = [model_text(r["text"], r["title"]) for r in generate(600, seed=4)]
    named = [bool(leaves.named_leaves(text)) for text in texts]
    flags = openings.may_hold(texts)
    assert all(flags[i] for i, said in enumerate(named) if said)
    assert sum(not flag for flag in flags) > 0.3 * len(texts)  # what the filter is for


def test_the_leaves_chosen_after_the_filter_are_those_chosen_without_it():
    rows = generate(800, seed=6)
    texts = [model_text(r["text"], r["title"]) for r in rows]
    rng = random.Random(6)
    for text, may_name in zip(texts, leaves.may_name_leaves(texts)):
        request_type = rng.choice(["投诉", "求助", "咨询"])
        args = (text, rng.choice(sorted(leaves.CITY_TOPICS | {"民政"})), request_type, [])
        assert leaves.choose(*args, may_name=may_name) == leaves.choose(*args)


def test_tree_hints_after_the_filter_count_what_a_scan_of_every_text_counts():
    hints = TreeHints()
    texts = [model_text(r["text"], r["title"]) for r in generate(800, seed=7)] + ["", "噪音污染", "x\x00公共汽车"]
    scanned = np.zeros((len(texts), len(TOPICS)), dtype=np.float32)
    for row, text in enumerate(texts):
        for classes in dict(match for _, match in hints.automaton.iter(text)).values():
            scanned[row, list(classes)] += 1
    filtered = hints.transform(texts).toarray()
    assert (filtered == scanned).all() and filtered.sum() > 0


def test_the_openings_are_not_saved_with_a_model_and_are_rebuilt_after_loading():
    hints = TreeHints()
    hints.transform(["公共汽车"])
    loaded = pickle.loads(pickle.dumps(hints))
    assert "_openings" not in loaded.__dict__
    assert loaded.transform(["1路公共汽车收班太早"]).nnz == 1
