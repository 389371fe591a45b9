"""领导批示件: a leader's written instruction becomes a key task with a limit from the rules in
force (urgent, normal, difficult), issued at once to its lead unit; the daily plan then holds it to
a straight planned curve from issue to its limit, as any key task."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import rules as R
from .engine import TASKS, unit_of
from .models import KeyTask


def open_instruction(*, title: str, urgency: str, unit_code: str, leader=None, actor=None, now=None) -> KeyTask:
    title = title.strip()
    if not title:
        raise ValueError(_("an instruction needs its text"))
    if urgency not in KeyTask.Urgency.values:
        raise ValueError(_("urgency is urgent, normal or difficult"))
    now = now or timezone.now()
    days = R.rules_at(now).instruction_days(urgency)
    number = f"P{KeyTask.objects.filter(kind=KeyTask.Kind.INSTRUCTION).count() + 1}"
    task = KeyTask(kind=KeyTask.Kind.INSTRUCTION, urgency=urgency, number=number, title=title, level=1,
                   unit=unit_of(unit_code), leader=leader, planned_start=now, planned_end=now + timedelta(days=days))
    with transaction.atomic():
        TASKS.open(task, "create", actor, now=now, data={"urgency": urgency, "days": days})
        KeyTask.objects.filter(pk=task.pk).update(root=task)
        task.root = task
        TASKS.perform(task, "issue", None, now=now)
    return task
