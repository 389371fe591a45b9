"""Two models the engine runs besides Case, each with a version column, an indexed next-check
column and a transition table of its own."""

from django.conf import settings
from django.db import models

from finegrid.cases.models import TransitionRecord
from finegrid.org.models import Unit


class Matter(models.Model):
    """A petition's shape: 登记 → 受理 within 15 days → 办理 within 60 (extendable once by 30) →
    答复 → the petitioner has 30 days to ask for 复查 → else 终结. Hearings do not count."""

    class State(models.TextChoices):
        REGISTERED = "registered", "登记"
        HANDLING = "handling", "办理"
        ANSWERED = "answered", "答复"
        REVIEWING = "reviewing", "复查"
        CONCLUDED = "concluded", "终结"

    state = models.CharField(max_length=16, choices=State.choices, default=State.REGISTERED)
    version = models.PositiveIntegerField(default=0)
    area_code = models.CharField(max_length=18, blank=True)
    unit = models.ForeignKey(Unit, models.PROTECT, null=True, blank=True, related_name="+")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    registered_at = models.DateTimeField()
    clock_start = models.DateTimeField(null=True, blank=True)  # the running clock's start
    due_at = models.DateTimeField(null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)  # a hearing (听证) in progress
    window_ends = models.DateTimeField(null=True, blank=True)  # the petitioner's side: 30 days to ask 复查
    answered_at = models.DateTimeField(null=True, blank=True)
    next_check_at = models.DateTimeField(null=True, blank=True, db_index=True)
    alarm = models.CharField(max_length=8, blank=True, default="")
    escalation = models.PositiveSmallIntegerField(default=0)
    extension_count = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)


class MatterTransition(TransitionRecord):
    matter = models.ForeignKey(Matter, models.PROTECT, related_name="transitions")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["matter", "seq"], name="unique_matter_seq")]


class Task(models.Model):
    """A key task's shape: planned progress runs from 0 at `planned_start` to 100 at `planned_end`;
    its lag is measured against that curve, not against elapsed time."""

    class State(models.TextChoices):
        ACTIVE = "active", "进行中"
        DONE = "done", "已完成"

    state = models.CharField(max_length=16, choices=State.choices, default=State.ACTIVE)
    version = models.PositiveIntegerField(default=0)
    area_code = models.CharField(max_length=18, blank=True)
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="+")
    planned_start = models.DateTimeField()
    planned_end = models.DateTimeField()
    progress = models.PositiveSmallIntegerField(default=0)  # percent reported
    done_at = models.DateTimeField(null=True, blank=True)
    next_check_at = models.DateTimeField(null=True, blank=True, db_index=True)
    alarm = models.CharField(max_length=8, blank=True, default="")
    escalation = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)


class TaskTransition(TransitionRecord):
    task = models.ForeignKey(Task, models.PROTECT, related_name="transitions")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["task", "seq"], name="unique_task_seq")]
