"""Storing a draft tree: an `Outline` (what the decomposer or an edited 任务分解表 gives) becomes a
SourceDocument and its KeyTasks, drafts the 督查室 then reviews and issues. All or nothing: a node
naming a unit the district does not have refuses the whole tree, each bad node named."""

import re
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from finegrid.org.models import Role, Unit

from . import rules as R
from .engine import TASKS, write_milestones
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


def leaders_by_name() -> dict:
    """The leaders, by username and by real name (the 任务分解表 names them as people do)."""
    found = {}
    for user in get_user_model().objects.filter(is_active=True, roles__role=Role.LEADER).select_related("person"):
        found.setdefault(user.username, user)
        person = getattr(user, "person", None)
        if person is not None and person.full_name:
            found.setdefault(person.full_name, user)
    return found


PERCENT = re.compile(r"(\d{1,3})(?:\.\d+)?\s*[%％]?")


def milestones_of(node, year: int) -> list[list]:
    """序时进度 per quarter ("30%", "完成50%") → milestones at each quarter's end; "" or no figure: none."""
    found = []
    for quarter, text in enumerate(node.schedule[:4], start=1):
        match = PERCENT.search(text or "")
        if match and 0 < int(match.group(1)) <= 100:
            day = {1: "03-31", 2: "06-30", 3: "09-30", 4: "12-31"}[quarter]
            found.append([R.end_of_day(f"{year}-{day}").isoformat(), int(match.group(1))])
    return [point for n, point in enumerate(found) if n == 0 or point[1] >= found[n - 1][1]]


def check(outline: Outline, units: dict, leaders: dict | None = None) -> list[str]:
    problems = []
    for node in outline.walk():
        if node.leader and leaders is not None and node.leader not in leaders:
            problems.append(f"{node.number} {node.title[:20]}: no leader {node.leader!r}")
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
    units, leaders = units_by_name(), leaders_by_name()
    problems = check(outline, units, leaders)
    if problems:
        raise TreeError(problems)
    year_end = year_end or R.end_of_day(f"{now.astimezone(R.ZONE).year}-12-31")
    with transaction.atomic():
        document = SourceDocument.objects.create(title=title, filename=filename, text=outline.text,
                                                 imported_at=now, imported_by=actor)
        order = iter(range(1, 1_000_000))
        for node in outline.nodes:
            _store_node(node, document, None, None, (units, leaders), order, now, year_end, actor)
    return document


def _store_node(node, document, parent, root, known, order, now, year_end, actor) -> KeyTask:
    units, leaders = known
    deadline = R.end_of_day(node.deadline) if node.deadline else year_end
    task = KeyTask(document=document, parent=parent, root=root, order=next(order), number=node.number[:16],
                   title=node.title, level=node.level, source_start=node.source.start, source_end=node.source.end,
                   unit=units.get(node.lead_unit) if node.lead_unit else None, lead_confidence=node.lead_confidence,
                   planned_start=now, planned_end=deadline, leader=leaders.get(node.leader) if node.leader else None,
                   curve=milestones_of(node, deadline.astimezone(R.ZONE).year), area_code="")
    TASKS.open(task, "create", actor, now=now, data={"projects": node.projects, "places": node.places})
    if root is None:
        KeyTask.objects.filter(pk=task.pk).update(root=task)
        task.root = task
    if task.curve:
        write_milestones(task)
    co = [units[name] for name in node.co_units if name in units and units[name] != task.unit]
    if co:
        task.co_units.set(co)
    TaskTarget.objects.bulk_create([TaskTarget(task=task, text=t.text[:200], indicator=t.indicator[:100],
                                               value=t.value, unit=t.unit[:16], comparator=t.comparator or ">=")
                                    for t in node.targets])
    for child in node.children:
        _store_node(child, document, task, task.root, known, order, now, year_end, actor)
    if node.children:
        KeyTask.objects.filter(pk=task.pk).update(branch=True)
        task.branch = True
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
