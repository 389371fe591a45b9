"""大督查: the key tasks a work report decomposes into, their 序时节点 milestones and progress
reports, the 督办单 a red task produces, the rules that colour them (data the district changes),
the 整改台账 (rectification ledger) and the cadre records 以实绩论英雄 reads.

A key task and a ledger problem are objects the case engine runs: each has a state, a version
(the optimistic lock), an indexed next-check column and a transition table of its own."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from finegrid.cases.models import TransitionRecord
from finegrid.org.models import Unit


class SourceDocument(models.Model):
    """The text a task tree was decomposed from, kept whole: a task's passage is text[start:end]."""

    title = models.CharField(_("title"), max_length=200)
    filename = models.CharField(max_length=200, blank=True)
    text = models.TextField()
    imported_at = models.DateTimeField()
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")

    def __str__(self):
        return self.title


class RuleSet(models.Model):
    """The rules that colour a task and time its steps, versioned: the row with the latest
    `valid_from` not after a moment is in force then (a district changes them without a release).
    Defaults from practice: 10–30 points behind the planned curve → yellow, more than 30 → red; a
    missed 序时节点 → yellow, three in a row → red; monthly reports by the 25th; 领导批示件 limits of
    5 (urgent), 15 (normal) and 30 (difficult) days."""

    valid_from = models.DateTimeField(_("valid from"), unique=True)
    yellow_lag = models.PositiveSmallIntegerField(_("points behind for yellow"), default=10)
    red_lag = models.PositiveSmallIntegerField(_("points behind for red"), default=30)
    red_missed = models.PositiveSmallIntegerField(_("missed milestones in a row for red"), default=3)
    report_day = models.PositiveSmallIntegerField(_("monthly report due by day"), default=25)
    confirm_days = models.PositiveSmallIntegerField(_("working days to confirm"), default=3)
    response_days = models.PositiveSmallIntegerField(_("working days to answer a 督办单"), default=3)
    urgent_days = models.PositiveSmallIntegerField(_("urgent instruction limit (days)"), default=5)
    normal_days = models.PositiveSmallIntegerField(_("normal instruction limit (days)"), default=15)
    difficult_days = models.PositiveSmallIntegerField(_("difficult instruction limit (days)"), default=30)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("supervision rules")
        verbose_name_plural = _("supervision rules")

    def __str__(self):
        return f"{self.valid_from:%Y-%m-%d} {self.note}"


class KeyTask(models.Model):
    """One node of a task tree: a section, an item or a checkable clause of the work report, or a
    领导批示件. Leaves are reported on; a parent's progress is its children's, by weight."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ISSUED = "issued", _("Issued")
        CONFIRMED = "confirmed", _("Confirmed")
        ADJUSTING = "adjusting", _("Adjustment requested")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    class Kind(models.TextChoices):
        TASK = "task", _("Key task")
        INSTRUCTION = "instruction", _("Leader's instruction (领导批示件)")

    class Urgency(models.TextChoices):
        URGENT = "urgent", _("Urgent")
        NORMAL = "normal", _("Normal")
        DIFFICULT = "difficult", _("Difficult")

    document = models.ForeignKey(SourceDocument, models.PROTECT, null=True, blank=True, related_name="tasks")
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="children")
    root = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="+")  # its section
    order = models.PositiveIntegerField(default=0)  # the report's order within the tree
    number = models.CharField(_("number"), max_length=16)
    title = models.TextField(_("task"))
    level = models.PositiveSmallIntegerField(default=1)
    branch = models.BooleanField(default=False)  # has children: its progress is theirs, it files no report
    source_start = models.PositiveIntegerField(null=True, blank=True)
    source_end = models.PositiveIntegerField(null=True, blank=True)
    # Passages of tasks merged into this one in review, [[start, end], …]: each stays visible.
    more_sources = models.JSONField(default=list, blank=True)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.TASK)
    urgency = models.CharField(max_length=12, choices=Urgency.choices, blank=True)
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
                               verbose_name=_("leader in charge"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
                              verbose_name=_("taken by (包案)"))
    unit = models.ForeignKey(Unit, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("lead unit"))
    co_units = models.ManyToManyField(Unit, blank=True, related_name="+", verbose_name=_("co-units"))
    lead_confidence = models.FloatField(default=0)
    weight = models.FloatField(_("weight"), default=1)
    area_code = models.CharField(max_length=18, blank=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.DRAFT)
    version = models.PositiveIntegerField(default=0)
    planned_start = models.DateTimeField(null=True, blank=True)
    planned_end = models.DateTimeField(_("deadline"), null=True, blank=True)
    # The planned curve in force, as [[ISO instant, percent], …] from the milestones of `plan`:
    # the daily plan reads the row alone. Plan 0 is the original; an approved adjustment adds one.
    curve = models.JSONField(default=list, blank=True)
    plan = models.PositiveSmallIntegerField(default=0)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)  # the lead unit's last report
    rolled = models.FloatField(default=0)  # progress rolled up from the children by weight
    confirm_due = models.DateTimeField(null=True, blank=True)
    last_report_at = models.DateTimeField(null=True, blank=True)
    reminded = models.CharField(max_length=7, blank=True)  # the month last 催办-ed, 2026-11
    done_at = models.DateTimeField(null=True, blank=True)
    next_check_at = models.DateTimeField(null=True, blank=True, db_index=True)
    alarm = models.CharField(max_length=8, blank=True, default="")
    escalation = models.PositiveSmallIntegerField(default=0)
    adjustment_count = models.PositiveSmallIntegerField(default=0)
    report_count = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["document_id", "order"]
        verbose_name = _("key task")
        verbose_name_plural = _("key tasks")
        # The desk's counts by colour and its drafts read (state, alarm); a unit's inbox (unit, state).
        indexes = [models.Index(fields=["unit", "state"]), models.Index(fields=["root", "order"]),
                   models.Index(fields=["state", "alarm"])]

    def __str__(self):
        return f"{self.number} {self.title[:40]}"

    @property
    def passage(self) -> str:
        return "……".join(self.passages())

    def passages(self) -> list[str]:
        """The task's own passage, then those of the tasks merged into it."""
        if self.document_id is None or self.source_start is None:
            return []
        text = self.document.text
        return [text[start:end] for start, end in [(self.source_start, self.source_end), *self.more_sources]]


class KeyTaskTransition(TransitionRecord):
    task = models.ForeignKey(KeyTask, models.PROTECT, related_name="transitions")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["task", "seq"], name="unique_keytask_seq")]


class Milestone(models.Model):
    """A 序时节点: by `due`, `percent` of the task should be done. Kept per plan: an approved
    adjustment writes a new plan and leaves the original for comparison."""

    task = models.ForeignKey(KeyTask, models.CASCADE, related_name="milestones")
    plan = models.PositiveSmallIntegerField(default=0)
    due = models.DateTimeField(_("planned date"))
    percent = models.PositiveSmallIntegerField(_("planned progress"))
    label = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["task", "plan", "due"]


class TaskTarget(models.Model):
    """A checkable figure of a task (社会消费品零售总额 ≥ 300 亿元) and the value last reported."""

    task = models.ForeignKey(KeyTask, models.CASCADE, related_name="targets")
    text = models.CharField(max_length=200)
    indicator = models.CharField(max_length=100)
    value = models.FloatField(null=True, blank=True)
    unit = models.CharField(max_length=16, blank=True)
    comparator = models.CharField(max_length=2, default=">=")
    reached = models.FloatField(null=True, blank=True)

    def met(self) -> bool | None:
        if self.value is None or self.reached is None:
            return None
        return {">=": self.reached >= self.value, ">": self.reached > self.value, "<=": self.reached <= self.value,
                "<": self.reached < self.value, "=": self.reached == self.value}.get(self.comparator)


class ProgressReport(models.Model):
    """A lead unit's report for a period, or a co-unit's contribution (percent None); written by
    the `report_progress` and `contribute` steps from their transition."""

    task = models.ForeignKey(KeyTask, models.CASCADE, related_name="reports")
    transition = models.OneToOneField(KeyTaskTransition, models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, models.PROTECT, null=True, blank=True, related_name="+")
    period = models.CharField(max_length=7)  # 2026-11
    at = models.DateTimeField(db_index=True)
    percent = models.PositiveSmallIntegerField(null=True, blank=True)
    done = models.TextField(_("what was done"), blank=True)
    problems = models.TextField(_("problems"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)

    class Meta:
        ordering = ["task", "at"]


class TaskEvidence(models.Model):
    """A file proving a report (checked by content, as a case's evidence is)."""

    task = models.ForeignKey(KeyTask, models.PROTECT, related_name="evidence")
    transition = models.ForeignKey(KeyTaskTransition, models.PROTECT, related_name="evidence")
    file = models.FileField(upload_to="tasks/%Y/%m/")
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)


class SupervisionOrder(models.Model):
    """督办单: a red task's written order to its lead unit, to be answered by `response_due`."""

    task = models.ForeignKey(KeyTask, models.PROTECT, related_name="orders")
    unit = models.ForeignKey(Unit, models.PROTECT, null=True, blank=True, related_name="+")
    issued_at = models.DateTimeField(db_index=True)
    response_due = models.DateTimeField()
    responded_at = models.DateTimeField(null=True, blank=True)
    response = models.TextField(blank=True)

    class Meta:
        ordering = ["-issued_at"]


class Problem(models.Model):
    """One item of a 整改台账 (rectification ledger): a problem found by 巡视, 督查 or audit, its
    整改措施, who answers for it and by when; 销号 only when its closing condition is met and the
    督查室 approves."""

    class State(models.TextChoices):
        OPEN = "open", _("Being rectified")
        SUBMITTED = "submitted", _("Submitted for closing")
        CLOSED = "closed", _("Closed (销号)")

    class Source(models.TextChoices):
        INSPECTION = "inspection", _("Provincial inspection (巡视)")
        SUPERVISION = "supervision", _("Supervision finding (督查)")
        AUDIT = "audit", _("Audit finding (审计)")

    ledger = models.CharField(_("ledger"), max_length=100)
    source = models.CharField(max_length=12, choices=Source.choices)
    number = models.CharField(_("number"), max_length=16)
    description = models.TextField(_("problem"))
    measures = models.TextField(_("measures (整改措施)"))
    closing_condition = models.TextField(_("closing condition"))
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="+", verbose_name=_("responsible unit"))
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    area_code = models.CharField(max_length=18, blank=True)
    opened_at = models.DateTimeField()
    due_at = models.DateTimeField(_("deadline"))
    closed_at = models.DateTimeField(null=True, blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    state = models.CharField(max_length=12, choices=State.choices, default=State.OPEN)
    version = models.PositiveIntegerField(default=0)
    next_check_at = models.DateTimeField(null=True, blank=True, db_index=True)
    alarm = models.CharField(max_length=8, blank=True, default="")
    escalation = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["ledger", "number"]
        constraints = [models.UniqueConstraint(fields=["ledger", "number"], name="unique_problem_number")]


class ProblemTransition(TransitionRecord):
    problem = models.ForeignKey(Problem, models.PROTECT, related_name="transitions")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["problem", "seq"], name="unique_problem_seq")]


class UnitClass(models.Model):
    """差异化考核: which class a unit is judged in; each class has its own indicator weights."""

    class Class(models.TextChoices):
        ECONOMIC = "economic", _("Economic development (经济发展类)")
        SOCIAL = "social", _("Social services (社会事业类)")
        SUPPORT = "support", _("General support (综合保障类)")
        STREET = "street", _("Street or town (街道/镇)")

    unit = models.OneToOneField(Unit, models.CASCADE, related_name="+")
    klass = models.CharField(_("class"), max_length=12, choices=Class.choices)

    class Meta:
        verbose_name = _("unit class")
        verbose_name_plural = _("unit classes")


class ClassWeight(models.Model):
    """The weight of one indicator in one class of unit (set by the administrator)."""

    klass = models.CharField(_("class"), max_length=12, choices=UnitClass.Class.choices)
    indicator = models.CharField(_("indicator"), max_length=32)
    weight = models.FloatField(_("weight"))

    class Meta:
        verbose_name = _("class weight")
        verbose_name_plural = _("class weights")
        constraints = [models.UniqueConstraint(fields=["klass", "indicator"], name="unique_class_weight")]


class CadreRecord(models.Model):
    """One entry of a cadre's file (干部档案): a 平时考核 of a quarter, a 年度 rating, a 胜任力 review
    (scores per dimension from several raters) or a 三项机制 case (容错纠错, 能上能下, 激励关怀) with its
    decision and evidence. Read only by the organisation department and the cadre's own leaders."""

    class Kind(models.TextChoices):
        QUARTERLY = "quarterly", _("Quarterly review (平时考核)")
        ANNUAL = "annual", _("Annual review (年度考核)")
        COMPETENCE = "competence", _("Competence review (胜任力)")
        TOLERANCE = "tolerance", _("Error tolerance (容错纠错)")
        MOBILITY = "mobility", _("Promotion and demotion (能上能下)")
        CARE = "care", _("Incentive and care (激励关怀)")

    cadre = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    superior = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
                                 verbose_name=_("the cadre's leader"))
    kind = models.CharField(max_length=12, choices=Kind.choices)
    period = models.CharField(_("period"), max_length=7)  # 2026-Q3, 2026
    rating = models.CharField(_("rating"), max_length=16, blank=True)  # 好 / 较好 / 一般 / 较差, 优秀 / 称职 …
    scores = models.JSONField(default=dict, blank=True)  # 胜任力: {dimension: {rater: score}}
    decision = models.TextField(_("decision"), blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["cadre", "-recorded_at"]


class TaskMeasure(models.Model):
    """A key task measured by linked data instead of a report: a source another app declares
    (`task_measures` on its AppConfig: cases closed in a category and area, a monthly figure, a
    project's milestones), its parameters, and the figure that counts as done. The daily pass reads
    the source into the task's progress (value ÷ target)."""

    task = models.OneToOneField(KeyTask, models.CASCADE, related_name="measure")
    source = models.CharField(_("measured by"), max_length=32)
    params = models.JSONField(default=dict, blank=True)
    target = models.FloatField(_("figure for 100 %"))
    value = models.FloatField(null=True, blank=True)  # the last figure read
    read_at = models.DateTimeField(null=True, blank=True)


class MonthlyFigure(models.Model):
    """An indicator's value for a month (累计 to that month), entered or imported by the 督查室 or
    the unit that owns it; a task measured by the indicator reads the latest month."""

    indicator = models.CharField(_("indicator"), max_length=100)
    month = models.CharField(_("month"), max_length=7)  # 2026-11
    value = models.FloatField(_("value"))
    unit = models.ForeignKey(Unit, models.PROTECT, null=True, blank=True, related_name="+")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    entered_at = models.DateTimeField()

    class Meta:
        ordering = ["indicator", "month"]
        constraints = [models.UniqueConstraint(fields=["indicator", "month"], name="unique_monthly_figure")]


class CompetenceDimension(models.Model):
    """A dimension of the 胜任力 review (政治素质, 专业能力 …), defined by the organisation department."""

    name = models.CharField(_("dimension"), max_length=50, unique=True)
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class CompetenceRater(models.Model):
    """Who rates in a 胜任力 review (分管领导, 同级互评, 服务对象 …), defined by the organisation department."""

    name = models.CharField(_("rater"), max_length=50, unique=True)
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class CadreEvidence(models.Model):
    """A file of a cadre record (a 容错认定意见书), stored cleaned as every upload is."""

    record = models.ForeignKey(CadreRecord, models.PROTECT, related_name="files")
    file = models.FileField(upload_to="cadres/%Y/%m/")
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)
