"""The case engine's records: the category catalogue with its versioned rules, the work
calendar, cases, their transitions (the audit trail and the source of every figure), evidence
files, notices (inbox and 督办) and outbound deliveries."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from finegrid.grid.codes import STREET_LEN
from finegrid.grid.models import Grid
from finegrid.org.models import Unit

from .channels import choices as channel_choices

LIMIT_KINDS = [
    ("urgent_hours", _("urgent hours (紧急工作时)")),
    ("work_hours", _("working hours (工作时)")),
    ("work_days", _("working days (工作日)")),
    ("calendar_days", _("calendar days (自然日)")),
]


class Category(models.Model):
    """A node of the catalogue: a domain (部件, 事件, 热线…), a 大类 or a 小类 (leaf).

    Codes nest and carry their domain's letter: C0101 is 部件 大类 01 小类 01, E0501 an 事件,
    H01 a hotline topic — so a responsibility row for "C01" covers every 公用设施 component."""

    class Domain(models.TextChoices):
        COMPONENT = "component", _("Component (部件)")
        EVENT = "event", _("Event (事件)")
        HOTLINE = "hotline", _("Hotline topic")
        SOCIAL = "social", _("Social governance")
        SENSOR = "sensor", _("Sensor alarm")
        ENTERPRISE = "enterprise", _("Enterprise demand")
        EMERGENCY = "emergency", _("Emergency")

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=64)
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="children")
    domain = models.CharField(_("domain"), max_length=16, choices=Domain.choices)
    level = models.PositiveSmallIntegerField(_("level"))  # 0 domain, 1 大类, 2 小类
    public = models.BooleanField(_("open to residents"), default=True)
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self):
        return f"{self.code} {self.name}"


class CategoryRule(models.Model):
    """One version of a category's rules. Never edited once a case uses it: an administrator's
    change writes the next version, and each case keeps the version it was accepted under."""

    category = models.ForeignKey(Category, models.PROTECT, related_name="rules")
    version = models.PositiveIntegerField(_("version"))
    unit_kind = models.CharField(_("responsible unit type"), max_length=16, choices=Unit.Kind.choices, blank=True)
    verify_required = models.BooleanField(_("on-site verification (核实) required"), default=True)
    check_required = models.BooleanField(_("on-site check (核查) required"), default=True)
    closing_condition = models.TextField(_("closing condition (结案条件)"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["category", "-version"]
        constraints = [models.UniqueConstraint(fields=["category", "version"], name="unique_rule_version")]
        verbose_name = _("category rule")
        verbose_name_plural = _("category rules")

    def __str__(self):
        return f"{self.category} v{self.version}"


class AcceptanceCondition(models.Model):
    """A 立案条件 of a rule, with its own 处置时限: one 小类 may have several."""

    rule = models.ForeignKey(CategoryRule, models.CASCADE, related_name="conditions")
    seq = models.PositiveSmallIntegerField()
    text = models.TextField(_("acceptance condition (立案条件)"))
    limit_value = models.FloatField(_("time limit"))
    limit_kind = models.CharField(_("time limit kind"), max_length=16, choices=LIMIT_KINDS)

    class Meta:
        ordering = ["rule", "seq"]
        constraints = [models.UniqueConstraint(fields=["rule", "seq"], name="unique_condition_seq")]
        verbose_name = _("acceptance condition")
        verbose_name_plural = _("acceptance conditions")

    def __str__(self):
        return self.text


class CalendarDay(models.Model):
    """An exception to Monday–Friday: a statutory holiday, or an adjusted working day (调休)."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Holiday")
        WORKDAY = "workday", _("Adjusted working day")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=32, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")


class CalendarYear(models.Model):
    """A year whose official holiday notice has been entered: deadlines in other years are provisional."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        ordering = ["year"]
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")


class WorkingPeriod(models.Model):
    """A period of the working day (08:30–12:00, 13:30–17:30) in Asia/Shanghai time."""

    start = models.TimeField(_("start"))
    end = models.TimeField(_("end"))

    class Meta:
        ordering = ["start"]
        verbose_name = _("working period")
        verbose_name_plural = _("working periods")


class Case(models.Model):
    """One problem, from its report to its rating. `state` and the counters are derived from the
    transitions and stored for speed; `finegrid check` replays the transitions to prove them."""

    class State(models.TextChoices):
        COLLECTED = "collected", _("Reported (信息采集)")
        VERIFIED = "verified", _("Verified (核实)")
        ACCEPTED = "accepted", _("Accepted (立案)")
        DISPATCHED = "dispatched", _("Dispatched (派遣)")
        HANDLING = "handling", _("Being handled (处置)")
        HANDLED = "handled", _("Reported done (反馈)")
        CHECKED = "checked", _("Checked on site (核查)")
        CLOSED = "closed", _("Closed (结案)")
        RATED = "rated", _("Rated (评价)")
        PARKED = "parked", _("Parked (挂账)")
        VOID = "void", _("Void (作废)")
        MERGED = "merged", _("Merged (合并)")

    class Channel(models.TextChoices):
        PATROL = "patrol", _("Grid worker patrol")
        HOTLINE = "hotline", _("Hotline")
        OPEN311 = "open311", _("Open311 app")
        WEB = "web", _("Resident web page")
        SENSOR = "sensor", _("Sensor alarm")
        ENTERPRISE = "enterprise", _("Enterprise service")
        TASK = "task", _("Supervision task")
        OTHER = "other", _("Other")

    class Alarm(models.TextChoices):
        NONE = "", _("On time")
        YELLOW = "yellow", _("Due soon (临期)")
        RED = "red", _("Overdue (超期)")

    ticket = models.CharField(_("ticket number"), max_length=20, unique=True)
    channel = models.CharField(_("channel"), max_length=16, choices=channel_choices)
    external_id = models.CharField(_("external id"), max_length=64, blank=True, db_index=True)
    category = models.ForeignKey(Category, models.PROTECT, null=True, blank=True, related_name="cases")
    rule = models.ForeignKey(CategoryRule, models.PROTECT, null=True, blank=True, related_name="cases")
    condition = models.ForeignKey(AcceptanceCondition, models.PROTECT, null=True, blank=True, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    lon = models.FloatField(null=True, blank=True)
    lat = models.FloatField(null=True, blank=True)
    grid = models.ForeignKey(Grid, models.PROTECT, null=True, blank=True, related_name="cases")
    # The most precise code known (micro-grid, grid, community or street): scopes filter by prefix.
    area_code = models.CharField(_("area code"), max_length=18, blank=True, db_index=True)
    reporter_name = models.CharField(_("reporter"), max_length=64, blank=True)
    reporter_phone = models.CharField(_("reporter's phone"), max_length=32, blank=True)  # masked when anonymous
    # An anonymous reporter's phone, encrypted (cases/phones.py): for the call-back desk alone.
    reporter_phone_sealed = models.TextField(blank=True, default="", editable=False)
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    anonymous = models.BooleanField(_("anonymous"), default=False)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.COLLECTED)
    unit = models.ForeignKey(Unit, models.PROTECT, null=True, blank=True, related_name="cases", verbose_name=_("unit"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="owned_cases",
        verbose_name=_("leader in charge (包案)"),
    )
    master = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="duplicates")
    urgency = models.CharField(_("urgency tier"), max_length=4, blank=True)  # hotline: 2h / 24h / 7d / 15d
    limit_value = models.FloatField(null=True, blank=True)
    limit_kind = models.CharField(max_length=16, choices=LIMIT_KINDS, blank=True)
    reported_at = models.DateTimeField(_("reported at"))
    accepted_at = models.DateTimeField(null=True, blank=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    due_provisional = models.BooleanField(default=False)
    handled_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The next moment the worker must look at this case (a warning, an escalation); null = nothing due.
    next_check_at = models.DateTimeField(null=True, blank=True, db_index=True)
    alarm = models.CharField(_("deadline alarm"), max_length=8, choices=Alarm.choices, blank=True, default="")
    escalation = models.PositiveSmallIntegerField(default=0)  # 0 none, 1 supervisor, 2 leader
    extension_pending = models.BooleanField(default=False)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)  # 1–5
    rework_count = models.PositiveSmallIntegerField(default=0)
    reassign_count = models.PositiveSmallIntegerField(default=0)
    extension_count = models.PositiveSmallIntegerField(default=0)
    version = models.PositiveIntegerField(default=0)  # optimistic lock: every transition bumps it
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-reported_at"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["state", "unit"]),
            models.Index(fields=["unit", "state", "due_at"]),
            models.Index(fields=["state", "reported_at"]),
            models.Index(fields=["category", "reported_at"]),
            # The newest cases of an area: the district-wide list pages down this index and checks
            # the area in it, instead of sorting a million rows.
            models.Index(fields=["reported_at", "area_code"], name="case_newest_in_area"),
            # A unit's newest cases, and a street's: walked in order instead of sorting a unit's or a
            # street's hundred thousand cases for each page (a street is its code's first 9 digits).
            models.Index(fields=["unit", "reported_at"], name="case_newest_of_unit"),
            models.Index(Substr("area_code", 1, STREET_LEN), "reported_at", name="case_newest_in_street"),
        ]

    def __str__(self):
        return f"{self.ticket} {self.title}"


class TransitionRecord(models.Model):
    """One step in the life of an object the engine's `Machine` runs (a case, a petition, a key
    task): who did what, when, from which state to which, and why. Each subject model has its own
    table, subclassing this and adding the foreign key the machine names as its `subject`.

    `notified` is the feed's marker (healthchecks' `Flip.processed`): the worker's notice step
    turns rows still unmarked into notices, then marks them, in one transaction."""

    seq = models.PositiveIntegerField()
    action = models.CharField(_("action"), max_length=24)
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    actor_label = models.CharField(max_length=64)
    role = models.CharField(max_length=16, blank=True)
    unit = models.ForeignKey(Unit, models.PROTECT, null=True, blank=True, related_name="+")
    at = models.DateTimeField(_("time"), db_index=True)
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    # db_default: bulk writers that name their columns leave it out and still get a row to notify.
    notified = models.BooleanField(default=False, db_default=False)

    class Meta:
        abstract = True


class Transition(TransitionRecord):
    """One step of a case's life."""

    case = models.ForeignKey(Case, models.PROTECT, related_name="transitions")

    class Meta:
        ordering = ["case", "seq"]
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="unique_transition_seq")]
        indexes = [
            models.Index(fields=["action", "at"]),
            # Only the few rows not yet turned into notices: the notice step's scan stays small.
            models.Index(fields=["id"], condition=models.Q(notified=False), name="transition_to_notify"),
        ]
        verbose_name = _("transition")
        verbose_name_plural = _("transitions")

    def __str__(self):
        return f"{self.case_id}#{self.seq} {self.action}"


class Evidence(models.Model):
    """A photo or document attached to a case, usually by a transition (反馈 with photos)."""

    case = models.ForeignKey(Case, models.PROTECT, related_name="evidence")
    transition = models.ForeignKey(Transition, models.PROTECT, null=True, blank=True, related_name="evidence")
    file = models.FileField(upload_to="evidence/%Y/%m/")
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")


class Notice(models.Model):
    """An inbox item for a person or a whole unit: an assignment, a 临期/超期 warning, a 督办
    notice, an escalation. Outbound channels (webhook, e-mail, SMS) deliver copies. Its subject
    is any object (`subject_type`, `subject_id`, `link`); a case's notices also keep `case`."""

    class Kind(models.TextChoices):
        ASSIGNED = "assigned", _("Assigned")
        YELLOW = "yellow", _("Due soon")
        RED = "red", _("Overdue")
        SUPERVISE = "supervise", _("Supervision notice (督办)")
        ESCALATE = "escalate", _("Escalation")
        INFO = "info", _("Information")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, null=True, blank=True, related_name="notices")
    unit = models.ForeignKey(Unit, models.CASCADE, null=True, blank=True, related_name="notices")
    case = models.ForeignKey(Case, models.PROTECT, null=True, blank=True, related_name="notices")
    # What the notice is about, for any app's objects: "cases.case" and its id, and where to see it.
    subject_type = models.CharField(max_length=32, blank=True)
    subject_id = models.BigIntegerField(null=True, blank=True)
    link = models.CharField(max_length=200, blank=True)
    # The transition row and recipient it came from ("cases.transition:42:unit:7"): unique, so a
    # notice step that runs twice over the same row can never write its inbox notice twice.
    source = models.CharField(max_length=80, null=True, blank=True, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "read_at"]), models.Index(fields=["unit", "read_at"])]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")


class WebhookEndpoint(models.Model):
    name = models.CharField(_("name"), max_length=64)
    url = models.URLField(_("URL"))
    secret = models.CharField(_("signing secret"), max_length=128)
    events = models.JSONField(_("events"), default=list, blank=True)  # notice kinds; empty = all
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")

    def __str__(self):
        return self.name


class Delivery(models.Model):
    """One outbound message (webhook, e-mail, SMS), retried with back-off by the worker."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    channel = models.CharField(max_length=16)  # webhook | email | sms
    notice = models.ForeignKey(Notice, models.CASCADE, related_name="deliveries")
    endpoint = models.ForeignKey(WebhookEndpoint, models.CASCADE, null=True, blank=True, related_name="deliveries")
    address = models.CharField(max_length=200, blank=True)  # e-mail address or phone number
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")


class IndicatorWeight(models.Model):
    """The weight of one evaluation indicator in the combined score (以实绩论英雄)."""

    indicator = models.CharField(_("indicator"), max_length=32, unique=True)
    weight = models.FloatField(_("weight"))

    class Meta:
        ordering = ["indicator"]
        verbose_name = _("indicator weight")
        verbose_name_plural = _("indicator weights")
