"""What the 立案/派遣 queue suggests for a case: the insight app's topic, mapped to a catalogue
category and, through the responsibility matrix, to a unit — with the model's confidence.

Labels the case already carries (`insight.CaseLabels`, an operator's correction included) are
used as they are. Otherwise the active model classifies the text — but only when a model is on
disk: with none, the first classification would build the seed model (about 40 s), which must
never happen inside a page request, so the panel says that no model exists instead."""

from dataclasses import dataclass

from finegrid.cases.models import Case, Category
from finegrid.insight import store
from finegrid.intake.answers import classify_text
from finegrid.insight.classify import classify
from finegrid.insight.leaves import choose, hotline_leaves
from finegrid.insight.model import model_text
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
        ranked = [stored.subtopic] if stored.subtopic else []
        leaf = choose(model_text(case.description or "", case.title), stored.topic, stored.request_type, ranked)
        return _suggestion(stored.topic, stored.subtopic, 1.0 if stored.corrected else stored.topic_confidence,
                           stored.urgency, stored.corrected, case.area_code, leaf=leaf[0].code if leaf else None)
    if not model_ready():
        return None
    labels = classify(classify_text(case), case.title, area_code=case.area_code)  # the answers' words too
    return _suggestion(labels.topic, labels.subtopic, labels.topic_confidence, labels.urgency, False,
                       case.area_code, labels.unit, leaf=labels.category_code)


def _category(topic: str, subtopic: str, leaf: str | None) -> Category | None:
    """The suggested leaf (insight/leaves.py) as it stands in this catalogue; a catalogue without
    that leaf falls back to the hotline's code for the topic."""
    wanted = [code for code in (leaf, category_code(topic, subtopic)) if code]
    found = {c.code: c for c in Category.objects.filter(code__in=wanted, active=True)} if wanted else {}
    return next((found[code] for code in wanted if code in found), None)


def topic_leaves(topics=TOPICS) -> dict[str, str | None]:
    """The leaf an operator's topic correction files a case under, per topic: the topic's general
    second level when the catalogue has it (a first-level code has no rule to accept by), else the
    topic's own code. One query for all of them."""
    general = {topic: (hotline_leaves(topic, []) or [None])[0] for topic in topics}
    present = set(Category.objects.filter(code__in=[c for c in general.values() if c], active=True)
                  .values_list("code", flat=True))
    return {topic: code if code in present else category_code(topic) for topic, code in general.items()}


def topic_leaf(topic: str) -> str | None:
    return topic_leaves([topic])[topic]


def _suggestion(topic, subtopic, confidence, urgency, corrected, area_code, unit_code=None,
                leaf=None) -> CategorySuggestion:
    category = _category(topic, subtopic, leaf)
    code = category.code if category else None
    if unit_code is None and code and area_code:  # what insight's with_unit asks the matrix
        units = units_for(code, area_code)
        return CategorySuggestion(topic, subtopic, confidence, category, units[0] if units else None, urgency,
                                  corrected)
    unit = Unit.objects.filter(code=unit_code, active=True).first() if unit_code else None
    return CategorySuggestion(topic, subtopic, confidence, category, unit, urgency, corrected)


def leaf_choices() -> list[tuple[str, str]]:
    """(code, "name · its group") of every active leaf that has a rule to accept by, 部件 and 事件
    as well as the hotline's second level: what the correction's search offers."""
    leaves = (Category.objects.filter(level=2, active=True, rules__isnull=False).distinct()
              .select_related("parent").order_by("code"))
    return [(c.code, f"{c.name} · {c.parent.name}" if c.parent else c.name) for c in leaves]


def topic_choices() -> list[tuple[str, str]]:
    """(topic, its catalogue category code) for the correction form, in the hotline's order."""
    leaves = topic_leaves()
    return [(topic, leaves[topic] or "") for topic in TOPICS]
