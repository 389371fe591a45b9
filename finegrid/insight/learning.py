"""Learning from the district: its labelled history (`finegrid train --input FILE.jsonl`) and
operators' corrections in the console (`record_correction`), retrained by a command that a
scheduled job can run (`finegrid train --retrain`).

Each training run writes a new model version (store.py), so a bad one is rolled back with
`finegrid train --rollback N`. Training files are kept under the models folder: a retrain
learns from the seed corpus, every file given so far and every correction."""

import json
from pathlib import Path

from django.db import transaction

from finegrid.core.models import audit

from . import embedding, store
from .corpus import generate
from .model import HEADS, LabelModel, model_text
from .models import CaseLabels, Correction
from .taxonomy import REQUEST_TYPES, TOPICS, URGENCIES
from .topic_tree import tree_records

# The seed corpus counts for less than the district's own words once it has some: measured on
# real messages, seed records at full weight pull the district's topics towards the seed's.
SEED_WEIGHT = 0.2
# The topic tree's branch names (topic_tree.py) weigh between the seed and the district: each is a
# single term, right about where the hotline files it but far shorter than any real appeal.
TREE_WEIGHT = 0.5
# The title-embedding head learns from the district's records alone, so a handful of corrections
# would teach it their topics by heart. Measured on the real messages (5-fold CV, a random subset
# of each training fold): macro-F1 0.687 with the head vs 0.486 without from 10 records, 0.574 vs
# 0.537 from 20, 0.834 vs 0.606 from 50; 20 keeps a margin above the noisiest point.
MIN_HEAD_RECORDS = 20
VALUES = {"topic": set(TOPICS), "request_type": set(REQUEST_TYPES), "urgency": set(URGENCIES)}


class BadRecord(ValueError):
    pass


def read_records(path: str | Path) -> list[dict]:
    """The labelled appeals of a JSON-lines file, checked; a bad line names its number."""
    records = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if line.strip():
                records.append(_checked(line, number))
    if not records:
        raise BadRecord("the file holds no appeal")
    return records


def _checked(line: str, number: int) -> dict:
    try:
        record = json.loads(line)
    except ValueError as error:
        raise BadRecord(f"line {number}: not JSON ({error})")
    if not isinstance(record, dict) or not isinstance(record.get("text"), str) or not record["text"].strip():
        raise BadRecord(f"line {number}: an object with a non-empty text is needed")
    for head, allowed in VALUES.items():
        if record.get(head) and record[head] not in allowed:
            raise BadRecord(f"line {number}: unknown {head} {record[head]!r}")
    if not any(record.get(head) for head in HEADS):
        raise BadRecord(f"line {number}: no label (topic, request_type or urgency)")
    return {key: record[key] for key in ("text", "title", *HEADS) if isinstance(record.get(key), str)}


def history_dir() -> Path:
    path = store.models_dir() / "training"
    path.mkdir(exist_ok=True)
    return path


def history() -> list[dict]:
    return [record for path in sorted(history_dir().glob("*.jsonl")) for record in read_records(path)]


def fit(district: list[dict], seed_size: int = store.SEED_SIZE, seed_weight: float = SEED_WEIGHT,
        tree: bool = True, embeddings: bool = True) -> LabelModel:
    """A model from the seed corpus, the topic tree and the district's records (which weigh more);
    with `embeddings` and MIN_HEAD_RECORDS or more of the district's records in two or more topics,
    also a topic head on their headline embeddings (embedding.py)."""
    seed = generate(seed_size) if seed_size else []
    branches = tree_records() if tree else []
    weights = ([seed_weight if district else 1.0] * len(seed) + [TREE_WEIGHT] * len(branches)
               + [1.0] * len(district))
    model = LabelModel().fit(seed + branches + district, weights)
    topical = [r for r in district if r.get("topic")]
    if embeddings and len(topical) >= MIN_HEAD_RECORDS and len({r["topic"] for r in topical}) >= 2:
        model.headline_head = embedding.HeadlineHead([model_text(r["text"], r.get("title", "")) for r in topical],
                                           [r["topic"] for r in topical])
    model.info["embeddings"] = model.headline_head is not None
    return model


def train(path: str | Path | None = None, actor=None, seed_size: int = store.SEED_SIZE,
          embeddings: bool = True) -> int:
    """Keep the file (when given), retrain on everything the district has taught, activate it."""
    records = read_records(path) if path else []
    if path:
        number = len(list(history_dir().glob("*.jsonl"))) + 1
        kept = history_dir() / f"{number:04d}-{Path(path).name}"
        kept.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    district = history() + [c.as_record() for c in Correction.objects.all()]
    model = fit(district, seed_size, embeddings=embeddings)
    version = store.save(model, "district" if district else "seed", records=len(district), seed_records=seed_size,
                         embeddings=model.info["embeddings"])
    audit("insight.train", f"model v{version}", actor, records=len(district), file=str(path or ""))
    return version


def rollback(version: int, actor=None) -> None:
    store.activate(version)
    audit("insight.rollback", f"model v{version}", actor)


def record_correction(*, text: str, title: str = "", case=None, actor=None, **labels) -> Correction:
    """Store an operator's correction (topic, subtopic, request_type, urgency: any of them) and
    update the case's labels; the next retrain learns from it. The console calls this."""
    for head, allowed in VALUES.items():
        if labels.get(head) and labels[head] not in allowed:
            raise ValueError(f"unknown {head} {labels[head]!r}")
    fields = {k: labels.get(k, "") or "" for k in ("topic", "subtopic", "request_type", "urgency")}
    with transaction.atomic():
        current = CaseLabels.objects.filter(case=case).first() if case else None
        previous = {k: getattr(current, k) for k in fields} if current else {}
        correction = Correction.objects.create(case=case, text=text, title=title[:200], previous=previous, by=actor,
                                               **fields)
        if current:
            for key, value in fields.items():
                if value:
                    setattr(current, key, value)
            current.corrected = True
            current.save()
        audit("insight.correct", str(case.pk) if case else "", actor, **{k: v for k, v in fields.items() if v})
    return correction
