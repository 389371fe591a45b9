"""Duplicates (重复件): the same real-world problem reported again — same place, same issue,
within a window — flagged with the earlier report, so intake and the console can propose a merge.

"Same issue" is judged on what is left of the text once the place's name is taken out (two
reports of one crossing share its name whatever their problem): the character n-gram vectors of
those problem texts are close (cosine), or a little less close when both name the same catalogue
leaf (leaves.py: the same lamp, the same manhole). A report whose place is unknown can only
duplicate a near-identical text: a repeated complaint about "the street lamp" means nothing
without knowing which street."""

import re
from dataclasses import dataclass
from datetime import timedelta

import numpy as np

from .model import LabelModel, model_text
from .store import active_model

WINDOW = timedelta(days=14)
SAME_PLACE_SIMILARITY = 0.45
# Two reports at one place that name the same 部件/事件 leaf need less of the same words: "红绿灯不亮"
# and "信号灯坏了" share few characters but one leaf. Chosen on tests/duplicate_dev.txt.
SAME_LEAF_SIMILARITY = 0.2
# When the words differ ("红绿灯不亮了" / "信号灯坏了，车都乱开"), the meaning of the problem texts:
# the cosine of their sentence embeddings (embedding.py, the encoder the project ships), weighed
# with the n-gram cosine, since short texts that open alike ("路口的…") embed close whatever
# follows. On tests/duplicate_dev.txt the same problem at one place scored 0.36–0.67 and
# different problems at one place at most 0.33. Only reports at the same place within the
# window are embedded, so a stream pays for it only where a duplicate is possible.
MEANING_WEIGHT = 0.7
PARAPHRASE_SIMILARITY = 0.35
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

    def __init__(self, features: int, paraphrases: bool = True):
        self.buckets: dict[str, list[list]] = {}
        self.texts: dict[str, object] = {}
        self.scratch = np.zeros(features, dtype=np.float32)
        self.paraphrases = paraphrases

    def check(self, item_id, place_key: str | None, topic: str, indices, values, text: str = "",
              leaf: str | None = None, day: int | None = None, problem: str = "") -> Match | None:
        """The earlier report this one repeats, or None. `indices`/`values` are the problem text's
        vector (the place's name taken out), `leaf` the suggested leaf when the text names a 部件
        or 事件, `day` a day number for the window (None: no window), `problem` the text that
        vector was made from (for the paraphrase embedding)."""
        if not place_key:
            return self._same_text(item_id, text)
        bucket = self.buckets.setdefault(place_key, [])
        entry = [item_id, indices, values, leaf, day, problem or text, None]  # the last: its embedding, once needed
        match = self._best(entry, bucket)
        bucket.append(entry)
        if len(bucket) > BUCKET_MEMORY:
            del bucket[0]
        return match

    def _best(self, entry, bucket) -> Match | None:
        _, indices, values, leaf, day, _, _ = entry
        near = [e for e in bucket if day is None or e[4] is None or day - e[4] <= WINDOW.days]
        if not near:
            return None
        self.scratch[indices] = values
        scores = [float(self.scratch[i] @ v) for _, i, v, *_ in near]
        self.scratch[indices] = 0
        passing = [(score, -k) for k, (score, e) in enumerate(zip(scores, near))
                   if score >= (SAME_LEAF_SIMILARITY if leaf and e[3] == leaf else SAME_PLACE_SIMILARITY)]
        worded = [k for k, e in enumerate(near) if e[5]]  # a report given without its words has no meaning to compare
        if not passing and self.paraphrases and entry[5] and worded:
            meanings = self._embedded([entry, *[near[k] for k in worded]])
            blended = [MEANING_WEIGHT * float(meaning) + (1 - MEANING_WEIGHT) * scores[k]
                       for k, meaning in zip(worded, meanings[1:] @ meanings[0])]
            passing = [(score, -k) for k, score in zip(worded, blended) if score >= PARAPHRASE_SIMILARITY]
        if not passing:
            return None
        score, minus_k = max(passing)
        return Match(near[-minus_k][0], score)

    @staticmethod
    def _embedded(entries: list[list]) -> np.ndarray:
        """Unit-length embeddings of the entries' problem texts, each computed once and kept."""
        from .embedding import embed_texts

        missing = [e for e in entries if e[6] is None]
        if missing:
            for e, vector in zip(missing, embed_texts([e[5] for e in missing])):
                e[6] = vector
        return np.vstack([e[6] for e in entries])

    def _same_text(self, item_id, text: str) -> Match | None:
        normal = NOT_WORD.sub("", text)
        if len(normal) < 8:  # "路灯不亮" twice is not the same problem
            return None
        earlier = self.texts.setdefault(normal, item_id)
        return Match(earlier, 1.0) if earlier != item_id else None


def problem_text(text: str, names: list[str]) -> str:
    """The text without the place names it gives: what is wrong, not where."""
    for name in sorted({n for n in names if n}, key=len, reverse=True):
        text = text.replace(name, "")
    return text


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
