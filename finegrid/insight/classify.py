"""`classify(text, title="") -> Labels`: the hook intake and the console call for one appeal.

Batch work (`finegrid analyze`) calls `classify_many`, which shares one feature pass."""

from dataclasses import asdict, dataclass, field

from .model import LabelModel, Prediction
from .store import active_model
from .taxonomy import URGENT, category_code, subtopics

SUBTOPIC_CONFIDENCE = 0.55  # below this the second level is left out rather than guessed


@dataclass
class Labels:
    topic: str
    topic_confidence: float
    subtopic: str  # "" when the model is not confident enough
    category_code: str | None  # the catalogue category (H01 … H15, or a 小类 below one)
    request_type: str
    urgency: str  # 紧急 or 一般
    danger: list[str] = field(default_factory=list)  # why 紧急: gas, fire, collapse, flood, …
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
    return [_labels(p, version) for p in model.predict(texts, titles)]


def labels_from(prediction: Prediction, version: int | None) -> Labels:
    return _labels(prediction, version)


def _labels(p: Prediction, version: int | None) -> Labels:
    # The second level only when it belongs to the first and the model is sure of it.
    sub = p.subtopic if p.subtopic_confidence >= SUBTOPIC_CONFIDENCE and p.subtopic in subtopics(p.topic) else ""
    return Labels(topic=p.topic, topic_confidence=round(p.topic_confidence, 3), subtopic=sub,
                  category_code=category_code(p.topic, sub), request_type=p.request_type, urgency=p.urgency,
                  danger=list(p.danger), model_version=version)


def with_unit(labels: Labels, area_code: str) -> Labels:
    """Fill in the unit the responsibility matrix names for the category at `area_code`."""
    from finegrid.org.responsibility import units_for

    units = units_for(labels.category_code, area_code) if labels.category_code else []
    if units:
        labels.unit, labels.unit_name = units[0].code, units[0].name
    return labels
