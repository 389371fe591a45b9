"""`classify(text, title="") -> Labels`: the hook intake and the console call for one appeal.

Batch work (`finegrid analyze`) calls `classify_many`, which shares one feature pass."""

from dataclasses import asdict, dataclass, field

from .leaves import choose, may_name_leaves
from .model import LabelModel, Prediction, model_text
from .store import active_model
from .taxonomy import URGENT, category_code, subtopics
from .urgency import emergency_services

SUBTOPIC_CONFIDENCE = 0.55  # below this the second level is left out rather than guessed


@dataclass
class Labels:
    topic: str
    topic_confidence: float
    subtopic: str  # "" when the model is not confident enough
    category_code: str | None  # the catalogue leaf to suggest (a 部件/事件 leaf or a hotline 小类), leaves.py
    request_type: str
    urgency: str  # 紧急 or 一般
    danger: list[str] = field(default_factory=list)  # why 紧急: gas, fire, collapse, flood, …
    leaf_codes: list[str] = field(default_factory=list)  # the three best leaves, the suggestion first
    liaison: list[str] = field(default_factory=list)  # 110/119/120 to hand a 紧急 appeal to as well (联动)
    unit: str | None = None  # the suggested unit's code, when the responsibility matrix names one
    unit_name: str | None = None
    model_version: int | None = None

    @property
    def urgent(self) -> bool:
        return self.urgency == URGENT

    def as_dict(self) -> dict:
        return asdict(self)


def classify(text: str, title: str = "", model: LabelModel | None = None, area_code: str = "") -> Labels:
    """Topic, request type and urgency of one appeal; with `area_code`, the unit to suggest there."""
    labels = classify_many([text], [title], model)[0]
    return with_unit(labels, area_code) if area_code else labels


def classify_many(texts: list[str], titles: list[str] | None = None, model: LabelModel | None = None) -> list[Labels]:
    model = model or active_model()
    version = model.info.get("version")
    titles = titles or [""] * len(texts)
    joined = [model_text(text, title) for text, title in zip(texts, titles)]
    return [_labels(p, version, text, may_name)
            for p, text, may_name in zip(model.predict(texts, titles), joined, may_name_leaves(joined))]


def labels_from(prediction: Prediction, version: int | None, joined: str = "", may_name: bool = True) -> Labels:
    """Labels of one prediction; `joined` (model_text's title and text) lets the leaf be named,
    `may_name` (leaves.may_name_leaves of a batch) false says it names none."""
    return _labels(prediction, version, joined, may_name)


def _labels(p: Prediction, version: int | None, joined: str = "", may_name: bool = True) -> Labels:
    # The second level only when it belongs to the first and the model is sure of it.
    sub = p.subtopic if p.subtopic_confidence >= SUBTOPIC_CONFIDENCE and p.subtopic in subtopics(p.topic) else ""
    ranked = [sub] + [s for s in p.subtopics_ranked if s != sub] if sub else p.subtopics_ranked
    leaves = [choice.code for choice in choose(joined, p.topic, p.request_type, ranked, may_name=may_name)]
    return Labels(topic=p.topic, topic_confidence=round(p.topic_confidence, 3), subtopic=sub,
                  category_code=leaves[0] if leaves else category_code(p.topic, sub), leaf_codes=leaves,
                  request_type=p.request_type, urgency=p.urgency, danger=list(p.danger),
                  liaison=emergency_services(p.danger, joined), model_version=version)


def with_unit(labels: Labels, area_code: str) -> Labels:
    """Fill in the unit the responsibility matrix names for the category at `area_code`."""
    from finegrid.org.responsibility import units_for

    units = units_for(labels.category_code, area_code) if labels.category_code else []
    if units:
        labels.unit, labels.unit_name = units[0].code, units[0].name
    return labels
