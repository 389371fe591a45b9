"""What the 立案/派遣 queue suggests for a case: the insight app's topic, mapped to a catalogue
category and, through the responsibility matrix, to a unit — with the model's confidence.

Labels the case already carries (`insight.CaseLabels`, an operator's correction included) are
used as they are. Otherwise the active model classifies the text — but only when a model is on
disk: with none, the first classification would build the seed model (about 40 s), which must
never happen inside a page request, so the panel says that no model exists instead."""

from dataclasses import dataclass

from finegrid.cases.models import Case, Category
from finegrid.insight import store
from finegrid.insight.classify import classify
from finegrid.insight.models import CaseLabels
from finegrid.insight.taxonomy import TOPICS, category_code
from finegrid.org.models import Unit
from finegrid.org.responsibility import units_for


@dataclass
class CategorySuggestion:
    topic: str
    subtopic: str
    confidence: float  # 0–1; 1.0 for labels an operator set
    category: Category | None
    unit: Unit | None
    urgency: str
    corrected: bool  # the labels were an operator's, not the model's

    @property
    def percent(self) -> int:
        return round(self.confidence * 100)


def model_ready() -> bool:
    """True when an active label model is on disk (classifying will not have to build one)."""
    active = store.registry().get("active")
    return active is not None and (store.models_dir() / f"v{active:04d}.joblib").exists()


def for_case(case: Case) -> CategorySuggestion | None:
    """The suggestion for `case`, or None when it has no labels and no model exists yet."""
    stored = CaseLabels.objects.filter(case=case).first()
    if stored is not None:
        return _suggestion(stored.topic, stored.subtopic, 1.0 if stored.corrected else stored.topic_confidence,
                           stored.urgency, stored.corrected, case.area_code)
    if not model_ready():
        return None
    labels = classify(case.description or case.title, case.title, area_code=case.area_code)
    return _suggestion(labels.topic, labels.subtopic, labels.topic_confidence, labels.urgency, False,
                       case.area_code, labels.unit)


def _suggestion(topic, subtopic, confidence, urgency, corrected, area_code, unit_code=None) -> CategorySuggestion:
    code = category_code(topic, subtopic)
    category = Category.objects.filter(code=code, active=True).first() if code else None
    if unit_code is None and code and area_code:  # what insight's with_unit asks the matrix
        units = units_for(code, area_code)
        return CategorySuggestion(topic, subtopic, confidence, category, units[0] if units else None, urgency,
                                  corrected)
    unit = Unit.objects.filter(code=unit_code, active=True).first() if unit_code else None
    return CategorySuggestion(topic, subtopic, confidence, category, unit, urgency, corrected)


def topic_choices() -> list[tuple[str, str]]:
    """(topic, its catalogue category code) for the correction form, in the hotline's order."""
    return [(topic, category_code(topic) or "") for topic in TOPICS]
