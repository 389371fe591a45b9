"""The label model: one TF-IDF character n-gram space shared by four linear heads (topic, second
level, request type, urgency), plus 15 columns of topic-tree hints (topic_tree.py) beside it.

Why this shape (measured, see README and `finegrid bench insight`): on the real labelled hotline
messages character 1–2-grams beat character 1–3-grams, word tokens (jieba, rjieba) and
naive Bayes, and a linear SVM beats logistic regression at a tenth of the training time. One
vectoriser for all heads means one pass over the text, which is what lets `analyze` keep up
with thousands of appeals a second on one core. Also measured and not taken: character 2–4-grams,
jieba words beside the characters, logistic regression, complement naive Bayes, a prior towards
the district's own topic frequencies. Once the district has labelled records, a head on a
sentence embedding of the title (embedding.py) adds about 0.03 macro-F1 at about a thousand
appeals a second; the seed model has no such head and keeps the n-gram speed."""

from dataclasses import dataclass, field

import numpy as np
from scipy.sparse import hstack

from .features import CharGrams
from .taxonomy import URGENT
from .topic_tree import TreeHints
from .requests import stated_request
from .urgency import current_dangers, danger_signs

HEADS = ("topic", "subtopic", "request_type", "urgency")
MAX_CHARS = 320  # the title and the opening of the text carry the topic; the rest costs time
# The urgency head alone makes an appeal 紧急 only when it is sure, so the 2-hour path follows a
# danger word or a confident head. On finegrid's urgency sets (taxonomy.URGENCY_SETS, 205 appeals)
# the danger lexicon (urgency.py) finds every urgent one, and no calm appeal reached a margin of
# 0.54; the old threshold, -0.35, was a coin toss that put a full rubbish bin on the 2-hour path.
URGENT_THRESHOLD = 0.6
SOFTMAX_SCALE = 4.0  # turns SVM margins into a confidence between 0 and 1
# The topic's own scales, one temperature each, set so that the confidence matches the share right
# in 5-fold CV on the real messages (calibration error 0.14 → 0.05 plain, 0.08 → 0.02 with the
# embedding head, whose z-scored margins are on another scale).
TOPIC_SCALE = 6.0
FUSED_TOPIC_SCALE = 1.5
# Weight of the topic-tree term counts beside the unit-length n-gram vector. Measured on the real
# messages: 0.2 and 0.3 gave the same macro-F1, 0.5 let the tree's terms outvote the district's words.
HINT_SCALE = 0.2


def model_text(text: str, title: str = "") -> str:
    """What the model reads: the title twice (it is the densest part), then the text, cut short."""
    title = (title or "").strip()
    return (f"{title}。{title}。{text}" if title else text or "")[:MAX_CHARS]


@dataclass
class Prediction:
    topic: str
    topic_confidence: float
    subtopic: str
    subtopic_confidence: float
    request_type: str
    urgency: str
    danger: list[str] = field(default_factory=list)
    subtopics_ranked: list[str] = field(default_factory=list)  # the second level's best RANKED, best first
    urgent_margin: float = 0.0  # the urgency head's margin towards 紧急 (positive: the model says 紧急)


RANKED = 8  # second-level names kept per appeal: enough for a topic's top three leaves


def _request(text: str, guessed: str, urgent: bool) -> str:
    """求助 for a 紧急 appeal (举报 when it says so); else the request type the words state
    (requests.py); else the head's guess, except that 求助 — which the seed corpus ties to
    emergencies and hardship, and the head gave to plain complaints about a broken bin in
    finegrid's own trials — needs the words: else 投诉."""
    stated = stated_request(text)
    if urgent:  # someone in danger asks for help (92 of the 94 紧急 appeals of sets 1 to 4), unless reporting a crime
        return "举报" if stated == "举报" else "求助"
    if stated:
        return stated
    return "投诉" if guessed == "求助" else guessed


class LinearHead:
    """A trained linear SVM's weights alone: what predicting needs. A model file holding these
    loads without scikit-learn (whose import, with scipy.stats behind it, was most of a fresh
    `finegrid analyze`'s start-up), and predicts exactly as the SVM's decision_function does."""

    def __init__(self, coef: np.ndarray, intercept: np.ndarray, classes: np.ndarray):
        self.coef_, self.intercept_, self.classes_ = coef, intercept, classes

    @classmethod
    def of(cls, svm) -> "LinearHead":
        return cls(np.ascontiguousarray(svm.coef_, dtype=np.float32), svm.intercept_.astype(np.float32), svm.classes_)

    def decision_function(self, matrix) -> np.ndarray:
        scores = np.asarray(matrix @ self.coef_.T) + self.intercept_
        return scores.ravel() if scores.shape[1] == 1 else scores


class LabelModel:
    headline_head = None  # embedding.HeadlineHead once the district has learning.MIN_HEAD_RECORDS topic labels (a class default for older files)

    def __init__(self, min_df: int = 1):
        self.vectorizer = CharGrams(min_df=min_df)
        self.hints = TreeHints()
        self.heads: dict[str, LinearHead] = {}  # older files hold scikit-learn's LinearSVC: the same methods
        self.info: dict = {}

    def fit(self, records: list[dict], weights: list[float] | None = None) -> "LabelModel":
        """Train every head on the records that carry its label (a record may carry only some).

        Records marked `from_tree` (the topic tree's own branch names, topic_tree.py) get no hint
        counts: their text is the term itself, which would teach the heads that a hint is always right."""
        from sklearn.svm import LinearSVC  # training only: predicting needs no scikit-learn

        texts = [model_text(r.get("text", ""), r.get("title", "")) for r in records]
        hinted = [model_text(r.get("text", ""), r.get("title", "")) if not r.get("from_tree") else "" for r in records]
        matrix = self._features(self.vectorizer.fit_transform(texts), hinted)
        weights = np.ones(len(records)) if weights is None else np.asarray(weights, dtype=float)
        for head in HEADS:
            rows = [i for i, r in enumerate(records) if r.get(head)]
            labels = [records[i][head] for i in rows]
            if len(set(labels)) >= 2:
                # Weights rank records within a head; scaled so its weightiest count 1, or a head
                # only the seed teaches (urgency, say) would be regularised five times harder
                # once a district's records lower the seed's weight.
                own = weights[rows] / weights[rows].max()
                svm = LinearSVC(C=1.0, class_weight="balanced").fit(matrix[rows], labels, sample_weight=own)
                self.heads[head] = LinearHead.of(svm)
        self.info["counts"] = {head: sum(1 for r in records if r.get(head)) for head in HEADS}
        return self

    def transform(self, texts: list[str]):
        return self.vectorizer.transform(texts)

    def predict(self, texts: list[str], titles: list[str] | None = None) -> list[Prediction]:
        titles = titles or [""] * len(texts)
        joined = [model_text(text, title) for text, title in zip(texts, titles)]
        return self.predict_matrix(self.transform(joined), joined)

    def predict_matrix(self, matrix, joined: list[str]) -> list[Prediction]:
        matrix = self._features(matrix, joined)
        topic, topic_conf = self._best("topic", matrix, joined)
        sub, sub_conf, ranked = self._best("subtopic", matrix, ranked=RANKED)
        kind, _ = self._best("request_type", matrix)
        urgent_score = self._urgency_score(matrix)
        out = []
        for i, text in enumerate(joined):
            danger = current_dangers(text)
            # A danger named only as past, fixed or feared is calm, and the head may not overrule that.
            spoken_of = not danger and urgent_score[i] > URGENT_THRESHOLD and danger_signs(text)
            urgent = bool(danger) or (urgent_score[i] > URGENT_THRESHOLD and not spoken_of)
            out.append(Prediction(topic[i], float(topic_conf[i]), sub[i], float(sub_conf[i]), _request(text, kind[i], urgent),
                                  URGENT if urgent else "一般", danger, ranked[i], float(urgent_score[i])))
        return out

    def _features(self, grams, joined: list[str]):
        """The n-grams and, beside them, the topic-tree hints (models saved before hints had none)."""
        hints = getattr(self, "hints", None)
        if hints is None:
            return grams
        return hstack([grams, hints.transform(joined) * HINT_SCALE], format="csr", dtype=np.float32)

    def _best(self, head: str, matrix, joined: list[str] | None = None, ranked: int = 0):
        """(best label, its confidence) per row; with `ranked`, also the `ranked` best labels per row."""
        model = self.heads.get(head)
        if model is None:
            empty = [""] * matrix.shape[0], np.zeros(matrix.shape[0])
            return (*empty, [[] for _ in range(matrix.shape[0])]) if ranked else empty
        scores = model.decision_function(matrix)
        if scores.ndim == 1:  # two classes: one margin
            scores = np.column_stack([-scores, scores])
        scale = TOPIC_SCALE if head == "topic" else SOFTMAX_SCALE
        if head == "topic" and self.headline_head is not None and self.headline_head.usable and joined:
            from .embedding import WEIGHT, zscores

            scores = zscores(scores) + WEIGHT * self.headline_head.margins(joined, model.classes_)
            scale = FUSED_TOPIC_SCALE
        best = scores.argmax(axis=1)
        shifted = np.exp(scale * (scores - scores.max(axis=1, keepdims=True)))
        confidence = 1.0 / shifted.sum(axis=1)
        labels = [str(label) for label in model.classes_[best]]
        if not ranked:
            return labels, confidence
        keep = min(ranked, scores.shape[1])
        top = np.argpartition(-scores, keep - 1, axis=1)[:, :keep]
        order = np.take_along_axis(top, np.argsort(-np.take_along_axis(scores, top, axis=1), axis=1), axis=1)
        return labels, confidence, [[str(c) for c in model.classes_[row]] for row in order]

    def _urgency_score(self, matrix) -> np.ndarray:
        """The margin towards 紧急 (positive: the model says 紧急)."""
        model = self.heads.get("urgency")
        if model is None:
            return np.full(matrix.shape[0], -np.inf)
        margin = model.decision_function(matrix)
        return margin if model.classes_[1] == URGENT else -margin
