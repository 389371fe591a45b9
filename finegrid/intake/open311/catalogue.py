"""The public services a POST may name, read once per FRESH_FOR seconds per process: every POST
needs the category and its questions, and they change when an administrator edits the catalogue."""

from dataclasses import dataclass

from finegrid.cases.models import Category
from finegrid.intake.inbox import Fresh
from finegrid.intake.models import Question

from .queries import public_categories


@dataclass(frozen=True)
class Service:
    category: Category
    questions: tuple


def _read() -> dict[str, Service]:
    categories = list(public_categories())
    questions: dict[int, list] = {}
    for question in Question.objects.filter(category__in=categories, variable=True):
        questions.setdefault(question.category_id, []).append(question)
    return {c.code: Service(c, tuple(questions.get(c.pk, ()))) for c in categories}


_services = Fresh(_read)


def services_now() -> dict[str, Service]:
    return _services.get()


def forget() -> None:
    """Drop the cached catalogue (tests that change it, an administrator's save)."""
    _services.forget()
