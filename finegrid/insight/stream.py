"""`finegrid analyze`: JSON lines in (`id`, `text`, optional `title` and `time`, an ISO date or
date-time that lets duplicates keep to their window), one JSON line out per line in, in the same
order, with the labels, the place and the earlier duplicate.

Lines are read in batches so the features of a batch are computed in one numpy pass; each output
line still follows its input line. A line that is not a JSON object with a text gets an output
line with its `id` (when it has one) and an `error`, so the two streams stay aligned."""

import json
from collections.abc import Iterable, Iterator
from itertools import islice

from datetime import date, datetime

from .classify import labels_from
from .duplicates import StreamDuplicates, problem_text
from .leaves import may_name_leaves
from .model import LabelModel, model_text
from .openings import TermOpenings
from .places import FastGazetteer, Where

BATCH = 2000
PLACE_CHARS = 300  # a place is named early; scanning whole letters for it costs more than it finds
KEYS = ("id", "topic", "topic_confidence", "request_type", "urgency", "liaison", "place", "street", "community",
        "grid_code", "lon", "lat", "duplicate_of")


def analyze(lines: Iterable[str], model: LabelModel, gazetteer: FastGazetteer | None,
            paraphrases: bool | None = None) -> Iterator[dict]:
    """With `paraphrases` (by default: when the model has an embedding head, whose encoder is then
    loaded anyway) duplicates at one place are also compared by meaning (duplicates.py)."""
    if paraphrases is None:
        head = model.headline_head
        paraphrases = head is not None and head.usable
    duplicates = StreamDuplicates(model.vectorizer.size, paraphrases=paraphrases)
    lines = iter(lines)
    while batch := list(islice(lines, BATCH)):
        yield from _batch(batch, model, gazetteer, duplicates)


def _parse(line: str) -> tuple[dict | None, str | None]:
    try:
        item = json.loads(line)
    except ValueError as error:
        return None, f"not JSON: {error}"
    if not isinstance(item, dict):
        return None, "not a JSON object"
    if not isinstance(item.get("text"), str) or not isinstance(item.get("title", ""), str):
        return item, "text (and title, when given) must be strings"
    return item, None


def _batch(lines: list[str], model: LabelModel, gazetteer, duplicates: StreamDuplicates) -> Iterator[dict]:
    parsed = [_parse(line) for line in lines if line.strip()]
    good = [item for item, error in parsed if error is None]
    joined = [model_text(item["text"], item.get("title", "")) for item in good]
    matrix = model.transform(joined)
    predictions = iter(model.predict_matrix(matrix, joined))
    may_name = may_name_leaves(joined)
    places = _places(gazetteer, good)
    # Only a placed report is compared by its words (an unplaced one only by its whole text).
    problem_texts = [problem_text(text, [p.place, p.street, p.community]) if p.key else ""
                     for text, p in zip(joined, places)]
    problems = model.transform(problem_texts)
    version = model.info.get("version")
    row = 0
    for item, error in parsed:
        if error:
            yield {"id": item.get("id") if isinstance(item, dict) else None, "error": error}
            continue
        text, place = joined[row], places[row]
        labels = labels_from(next(predictions), version, text, may_name[row])
        span = slice(problems.indptr[row], problems.indptr[row + 1])
        named = labels.category_code if labels.category_code and labels.category_code[0] in "CE" else None
        match = duplicates.check(item.get("id"), place.key, labels.topic, problems.indices[span], problems.data[span],
                                 text, leaf=named, day=_day(item.get("time")), problem=problem_texts[row])
        row += 1
        yield _line(item.get("id"), labels, place, match.earlier if match else None)


def _places(gazetteer: FastGazetteer | None, items: list[dict]) -> list[Where]:
    """Where each item is. An item that cannot name a place of the gazetteer (openings.py: about
    four in five appeals) gets the Where() of no mention without scanning the gazetteer's automaton."""
    if gazetteer is None:
        return [Where() for _ in items]
    texts = [f"{item.get('title', '')}。{item['text'][:PLACE_CHARS]}" for item in items]
    may_name = _place_openings(gazetteer.by_name).may_hold(texts)
    return [gazetteer.where(text) if may else Where() for text, may in zip(texts, may_name)]


_openings_of: tuple[dict, TermOpenings] | None = None  # the gazetteer's names and their openings


def _place_openings(by_name: dict) -> TermOpenings:
    """The openings of the gazetteer's names (its automaton's words), built again when it changes."""
    global _openings_of
    if _openings_of is None or _openings_of[0] is not by_name:
        _openings_of = (by_name, TermOpenings(list(by_name)))
    return _openings_of[1]


def _day(when) -> int | None:
    """The day number of an ISO date or date-time, None when there is none or it cannot be read."""
    if not isinstance(when, str) or not when:
        return None
    try:
        return datetime.fromisoformat(when.replace("Z", "+00:00")).date().toordinal()
    except ValueError:
        try:
            return date.fromisoformat(when[:10]).toordinal()
        except ValueError:
            return None


def _line(item_id, labels, place: Where, duplicate_of) -> dict:
    return {
        "id": item_id, "topic": labels.topic, "topic_confidence": labels.topic_confidence,
        "request_type": labels.request_type, "urgency": labels.urgency, "liaison": labels.liaison, "place": place.place,
        "street": place.street, "community": place.community, "grid_code": place.grid_code,
        "lon": place.lon, "lat": place.lat, "duplicate_of": duplicate_of,
    }
