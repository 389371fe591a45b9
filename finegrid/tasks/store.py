"""Storing a draft tree: an `Outline` (what the decomposer or an edited 任务分解表 gives) becomes a
SourceDocument and its KeyTasks, drafts the 督查室 then reviews and issues. All or nothing: a node
naming a unit the district does not have refuses the whole tree, each bad node named."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from finegrid.org.models import Unit

from . import rules as R
from .engine import TASKS
from .models import KeyTask, SourceDocument, TaskTarget
from .outline import Outline


class TreeError(ValueError):
    """The tree cannot be stored; `problems` names each bad node."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def units_by_name() -> dict[str, Unit]:
    found = {}
    for unit in Unit.objects.filter(active=True):
        for name in (unit.name, unit.short_name, unit.code):
            if name:
                found.setdefault(name, unit)
    return found


def check(outline: Outline, units: dict) -> list[str]:
    problems = []
    for node in outline.walk():
        for name in [node.lead_unit, *node.co_units]:
            if name and name not in units:
                problems.append(f"{node.number} {node.title[:20]}: no unit {name!r}")
        if node.deadline:
            try:
                R.end_of_day(node.deadline)
            except ValueError:
                problems.append(f"{node.number}: the deadline {node.deadline!r} is not a date")
    return problems


def store(outline: Outline, *, title: str, filename: str = "", actor=None, now: datetime | None = None,
          year_end: datetime | None = None) -> SourceDocument:
    """The whole tree as drafts, in one transaction. A node without a deadline gets the year's end
    (`year_end`, else 31 December of `now`'s year) — the report's year is its work year."""
    now = now or timezone.now()
    units = units_by_name()
    problems = check(outline, units)
    if problems:
        raise TreeError(problems)
    year_end = year_end or R.end_of_day(f"{now.astimezone(R.ZONE).year}-12-31")
    with transaction.atomic():
        document = SourceDocument.objects.create(title=title, filename=filename, text=outline.text,
                                                 imported_at=now, imported_by=actor)
        order = iter(range(1, 1_000_000))
        for node in outline.nodes:
            _store_node(node, document, None, None, units, order, now, year_end, actor)
    return document


def _store_node(node, document, parent, root, units, order, now, year_end, actor) -> KeyTask:
    task = KeyTask(document=document, parent=parent, root=root, order=next(order), number=node.number[:16],
                   title=node.title, level=node.level, source_start=node.source.start, source_end=node.source.end,
                   unit=units.get(node.lead_unit) if node.lead_unit else None, lead_confidence=node.lead_confidence,
                   planned_start=now, planned_end=R.end_of_day(node.deadline) if node.deadline else year_end,
                   area_code="")
    TASKS.open(task, "create", actor, now=now, data={"projects": node.projects, "places": node.places})
    if root is None:
        KeyTask.objects.filter(pk=task.pk).update(root=task)
        task.root = task
    co = [units[name] for name in node.co_units if name in units and units[name] != task.unit]
    if co:
        task.co_units.set(co)
    TaskTarget.objects.bulk_create([TaskTarget(task=task, text=t.text[:200], indicator=t.indicator[:100],
                                               value=t.value, unit=t.unit[:16], comparator=t.comparator or ">=")
                                    for t in node.targets])
    for child in node.children:
        _store_node(child, document, task, task.root, units, order, now, year_end, actor)
    return task


def issue_tree(document: SourceDocument, actor=None, *, now: datetime | None = None) -> list[str]:
    """Issues every draft of the tree, parents first; returns why any could not be (number: reason)."""
    from finegrid.cases.machine import TransitionError

    refused = []
    for task in document.tasks.filter(state=KeyTask.State.DRAFT).order_by("order"):
        try:
            TASKS.perform(task, "issue", actor, now=now)
        except TransitionError as error:
            refused.append(f"{task.number} {task.title[:20]}: {error}")
    return refused
