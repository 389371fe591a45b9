"""The default catalogue's extra questions (`data/questions.json`): what 数字城管 and 12345 intake ask
for common categories, loaded as the catalogue is (cases/catalogue.py) — idempotent, all or
nothing, checked against the catalogue before anything is written, never changing a question that
exists (an administrator's edit stays). The file carries a version, kept in the audit entry.

A choice may say what it decides: `condition`, the 立案条件 it means (its exact text in the rule,
so a case accepted at intake gets that condition's time limit), and `urgency`, the hotline tier
(2h: a missing manhole cover, a gas smell take the 2-hour path whenever the case is accepted)."""

import json
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from finegrid.cases.calendar import HOTLINE_TIERS
from finegrid.cases.catalogue import current_rule
from finegrid.cases.models import Category
from finegrid.core.models import audit

from .models import Question

DEFAULT_FILE = Path(__file__).resolve().parent / "data" / "questions.json"
DATATYPES = set(Question.Datatype.values)
LISTS = {Question.Datatype.SINGLE, Question.Datatype.MULTI}


class QuestionsError(ValueError):
    """A question file that cannot be loaded; the message names the question at fault."""


@dataclass(frozen=True)
class QuestionSpec:
    categories: tuple[str, ...]
    code: str
    description: str
    datatype: str
    datatype_description: str
    required: bool
    variable: bool
    order: int
    values: tuple[dict, ...]


def read_questions(path=None) -> tuple[int, list[QuestionSpec]]:
    """The file's version and its questions, each checked on its own; raises QuestionsError."""
    path = Path(path or DEFAULT_FILE)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        version, items = int(raw["version"]), raw["questions"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise QuestionsError(f"{path}: {error}") from error
    return version, [_spec(item, i) for i, item in enumerate(items, 1)]


def _spec(item: dict, index: int) -> QuestionSpec:
    try:
        variable = bool(item.get("variable", True))
        spec = QuestionSpec(
            categories=tuple(item["categories"]), code=str(item["code"]), description=str(item["description"]),
            datatype=item.get("datatype", Question.Datatype.STRING), required=bool(item.get("required", False)),
            datatype_description=str(item.get("datatype_description", "")), variable=variable,
            order=int(item.get("order", index)), values=tuple(item.get("values", ())))
    except (KeyError, TypeError, ValueError) as error:
        raise QuestionsError(f"question #{index}: {error}") from error
    _check_spec(spec, f"question #{index} ({spec.code})")
    return spec


def _check_spec(spec: QuestionSpec, label: str) -> None:
    problem = None
    if not spec.categories or not spec.code or len(spec.code) > 32 or not spec.description:
        problem = "categories, a code of up to 32 characters and a description are needed"
    elif spec.datatype not in DATATYPES:
        problem = f"unknown datatype {spec.datatype!r}"
    elif (spec.datatype in LISTS and spec.variable) != bool(spec.values):
        problem = "a list question needs values, and only a list question may have them"
    elif any(not v.get("key") or not v.get("name") for v in spec.values):
        problem = "every value needs a key and a name"
    elif any(v.get("urgency", "") not in ("", *HOTLINE_TIERS) for v in spec.values):
        problem = f"an urgency is one of {', '.join(HOTLINE_TIERS)}"
    if problem:
        raise QuestionsError(f"{label}: {problem}")


def load_questions(path=None, actor=None) -> dict:
    """Creates the file's questions that are missing for categories the database has; a category
    not in this catalogue is skipped (counted), a `condition` its rule lacks refuses the file."""
    with transaction.atomic():
        version, specs = read_questions(path)
        wanted = {code for spec in specs for code in spec.categories}
        categories = Category.objects.filter(code__in=wanted, level=2).in_bulk(field_name="code")
        _check_conditions(specs, categories)
        have = set(Question.objects.filter(category__in=categories.values()).values_list("category__code", "code"))
        new = [_question(spec, categories[code]) for spec in specs for code in spec.categories
               if code in categories and (code, spec.code) not in have]
        Question.objects.bulk_create(new)
        counts = {"questions": len(new), "missing_categories": len(wanted - set(categories)), "version": version}
        if new:
            audit("questions.load", Path(path or DEFAULT_FILE).name, actor, **counts)
    return counts


def _check_conditions(specs: list[QuestionSpec], categories: dict) -> None:
    for spec in specs:
        named = {v["condition"] for v in spec.values if v.get("condition")}
        for code in spec.categories:
            rule = current_rule(categories[code]) if named and code in categories else None
            texts = {c.text for c in rule.conditions.all()} if rule else set()
            if rule and named - texts:
                raise QuestionsError(f"question {spec.code} of {code}: the rule has no 立案条件 "
                                     f"{sorted(named - texts)[0]!r}")


def _question(spec: QuestionSpec, category: Category) -> Question:
    return Question(category=category, code=spec.code, description=spec.description, datatype=spec.datatype,
                    datatype_description=spec.datatype_description, required=spec.required, variable=spec.variable,
                    order=spec.order, values=[dict(v) for v in spec.values])
