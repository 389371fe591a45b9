"""Duplicates (重复件): the same real-world problem reported again — same place, same issue,
within a window — flagged with the earlier report, so intake and the console can propose a merge.

"Same issue" is the same topic and texts whose character n-gram vectors are close (cosine). A
report whose place is unknown can only duplicate a near-identical text: a repeated complaint
about "the street lamp" means nothing without knowing which street."""

import re
from dataclasses import dataclass
from datetime import timedelta

import numpy as np

from .model import LabelModel, model_text
from .store import active_model

WINDOW = timedelta(days=14)
SAME_PLACE_SIMILARITY = 0.45
NO_PLACE_SIMILARITY = 0.9
BUCKET_MEMORY = 200  # reports kept per (place, topic) in a stream; older ones fall out
NOT_WORD = re.compile(r"[\W_]+")


@dataclass
class Match:
    earlier: object  # the earlier report: an id in a stream, a Case in the database
    similarity: float


class StreamDuplicates:
    """Duplicates inside one ordered stream (`finegrid analyze`): each report is compared with the
    earlier ones of the same place and topic; a report with no known place only with identical
    texts (punctuation and spaces aside), found by hash, since a stream has thousands of them.

    A vector is a row of the batch's CSR matrix given as its (indices, values) arrays; a cosine
    is one gather from a dense scratch row, which is far cheaper than slicing sparse matrices."""

    def __init__(self, features: int):
        self.buckets: dict[tuple, list[tuple[object, np.ndarray, np.ndarray]]] = {}
        self.texts: dict[str, object] = {}
        self.scratch = np.zeros(features, dtype=np.float32)

    def check(self, item_id, place_key: str | None, topic: str, indices, values, text: str = "") -> Match | None:
        if not place_key:
            return self._same_text(item_id, text)
        bucket = self.buckets.setdefault((place_key, topic), [])
        match = self._best(indices, values, bucket)
        bucket.append((item_id, indices, values))
        if len(bucket) > BUCKET_MEMORY:
            del bucket[0]
        return match

    def _best(self, indices, values, bucket) -> Match | None:
        if not bucket:
            return None
        self.scratch[indices] = values
        scores = [float(self.scratch[i] @ v) for _, i, v in bucket]
        self.scratch[indices] = 0
        best = int(np.argmax(scores))
        return Match(bucket[best][0], scores[best]) if scores[best] >= SAME_PLACE_SIMILARITY else None

    def _same_text(self, item_id, text: str) -> Match | None:
        normal = NOT_WORD.sub("", text)
        if len(normal) < 8:  # "路灯不亮" twice is not the same problem
            return None
        earlier = self.texts.setdefault(normal, item_id)
        return Match(earlier, 1.0) if earlier != item_id else None


def duplicate_candidates(case, window: timedelta = WINDOW, model: LabelModel | None = None, limit: int = 5) -> list[Match]:
    """Earlier open cases at the same place about the same issue, most similar first."""
    from finegrid.cases.models import Case

    from .classify import classify_many
    from .places import where

    model = model or active_model()
    earlier = Case.objects.filter(reported_at__gte=case.reported_at - window, reported_at__lte=case.reported_at,
                                  master__isnull=True).exclude(pk=case.pk).exclude(
        state__in=[Case.State.VOID, Case.State.MERGED])
    place = case.grid_id or case.area_code or where(case.description, case.title).key
    if case.grid_id:
        earlier = earlier.filter(grid_id=case.grid_id)
    elif case.area_code:
        earlier = earlier.filter(area_code=case.area_code)
    others = list(earlier.order_by("-reported_at")[:500])
    if not others:
        return []
    texts = [model_text(c.description, c.title) for c in [case, *others]]
    matrix = model.transform(texts)
    topics = [label.topic for label in classify_many([c.description for c in [case, *others]],
                                                     [c.title for c in [case, *others]], model)]
    scores = (matrix[1:] @ matrix[0].T).toarray().ravel()
    threshold = SAME_PLACE_SIMILARITY if place else NO_PLACE_SIMILARITY
    found = [Match(c, float(s)) for c, s, t in zip(others, scores, topics[1:]) if s >= threshold and t == topics[0]]
    if not case.grid_id and not case.area_code and place:
        found = [m for m in found if where(m.earlier.description, m.earlier.title).key == place]
    return sorted(found, key=lambda m: -m.similarity)[:limit]


def find_duplicate(case, window: timedelta = WINDOW, model: LabelModel | None = None):
    """The earlier case this one reports again, or None: the hook intake calls before opening a case."""
    found = duplicate_candidates(case, window, model, limit=1)
    return found[0].earlier if found else None
