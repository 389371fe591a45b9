"""The 督查室's review of a draft tree: merging two tasks into one and splitting one into parts.
Both are steps of the key task's machine (`merge`, `split`), so the history says who did it, when
and why; the draft is not yet issued. Whatever is merged or split keeps its passages (character
offsets into the stored report) and its targets."""

from django.db.models import F
from django.utils.translation import gettext as _

from finegrid.cases.machine import TransitionError

from .models import KeyTask, TaskTarget

T = KeyTask.State
PUNCTUATION = "，。；、,.; \n"


def other_of(task, step) -> KeyTask:
    """The task to merge into `task`: a draft leaf of the same tree, named by its id."""
    text = str(step.data.get("other", "")).strip().lstrip("#")
    other = KeyTask.objects.filter(pk=int(text)).first() if text.isdigit() else None
    if other is None or other.pk == task.pk or other.document_id != task.document_id:
        raise TransitionError(_("no other task #%(id)s in this report") % {"id": text})
    if other.state != T.DRAFT or other.branch:
        raise TransitionError(_("only a draft task without parts can be merged: %(n)s") % {"n": other.number})
    return other


def check_merge(task, step, ctx) -> None:
    if task.branch:
        raise TransitionError(_("a task with parts is not merged; merge its parts"))
    other_of(task, step)


def merge(task, step, ctx) -> dict:
    """The merged task keeps its own passage first and gains the other's (and what was merged into
    that one); their weights add up; the title is the one given, else both titles joined."""
    other = other_of(task, step)
    title = (step.data.get("title") or "").strip() or f"{task.title.rstrip(PUNCTUATION)}；{other.title}"
    sources = [*task.more_sources]
    if other.source_start is not None:
        sources.append([other.source_start, other.source_end])
    sources += other.more_sources
    return {"title": title, "more_sources": sources, "weight": task.weight + other.weight}


def after_merge(task, step, row) -> None:
    """The other task's targets and co-units come over; the other leaves the tree (merged away,
    weight 0 so the roll-up does not count it as done) through its own machine step."""
    from .engine import TASKS

    other = other_of(task, step)
    TaskTarget.objects.filter(task=other).update(task=task)
    task.co_units.add(*[u for u in other.co_units.all() if u.pk != task.unit_id])
    TASKS.perform(other, "merged_away", step.actor, now=step.now, data={"into": task.pk},
                  reason=_("merged into %(n)s") % {"n": f"{task.number} #{task.pk}"})


def cuts_of(task, step) -> list[tuple[int, int]]:
    """The parts of the passage, as (start, end) offsets into the report: the passage cut before
    each text given (separated by |), in order."""
    if task.document_id is None or task.source_start is None:
        raise TransitionError(_("a task without a passage cannot be split"))
    passage = task.document.text[task.source_start:task.source_end]
    marks, at = [], 0
    for text in (part.strip() for part in str(step.data.get("cuts", "")).split("|")):
        if not text:
            continue
        found = passage.find(text, at + 1)
        if found <= 0:
            raise TransitionError(_("“%(text)s” is not in the rest of the passage") % {"text": text})
        marks.append(found)
        at = found
    if not marks:
        raise TransitionError(_("say where the passage is cut: the words each new part begins with"))
    bounds = [0, *marks, len(passage)]
    return [(task.source_start + a, task.source_start + b) for a, b in zip(bounds, bounds[1:])]


def check_split(task, step, ctx) -> None:
    if task.branch:
        raise TransitionError(_("the task already has parts"))
    cuts_of(task, step)


def after_split(task, step, row) -> None:
    """Each part becomes a draft child with its piece of the passage (a merged-in passage becomes a
    part of its own), the parent's unit, leader, deadline and plan; each target goes to the part
    whose passage holds its text."""
    from .engine import TASKS, write_milestones

    text = task.document.text
    parts = [*cuts_of(task, step), *[tuple(pair) for pair in task.more_sources]]
    KeyTask.objects.filter(document_id=task.document_id, order__gt=task.order).update(order=F("order") + len(parts))
    targets = list(task.targets.all())
    co_units = list(task.co_units.all())
    for n, (start, end) in enumerate(parts, start=1):
        child = TASKS.open(KeyTask(
            document_id=task.document_id, parent=task, root_id=task.root_id or task.pk, order=task.order + n,
            number=f"{task.number}.{n}"[:16], title=text[start:end].strip(PUNCTUATION) or task.title,
            level=task.level + 1, source_start=start, source_end=end, unit_id=task.unit_id, leader_id=task.leader_id,
            planned_start=task.planned_start, planned_end=task.planned_end, curve=task.curve, area_code=task.area_code,
            lead_confidence=task.lead_confidence), "create", step.actor, now=step.now, data={"split_from": task.pk})
        if co_units:
            child.co_units.set(co_units)
        if child.curve:
            write_milestones(child)
        for target in targets:
            if target.text and target.text in text[start:end]:
                TaskTarget.objects.filter(pk=target.pk).update(task=child)
    first = task.children.order_by("order").first()
    TaskTarget.objects.filter(task=task).update(task=first)  # a target no part's text holds stays with the first
