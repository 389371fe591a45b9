"""Intake's records: what each channel handed in beside the case itself (the receipt with its
idempotency key, token and answers), the extra questions a category asks (Open311 attributes),
Open311 clients' updates and the queue of Open311 reports. Open311 api_keys are `core.ApiToken`
rows of purpose "open311"."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from finegrid.cases.models import Case, Category
from finegrid.core.models import ApiToken


class Receipt(models.Model):
    """One accepted submission: which case it became, under which key, with what answers.

    The unique (channel, key) pair is the duplicate check: a replay of the same hotline row, the
    same Open311 POST or the same offline patrol report finds the receipt and its case instead of
    opening a second one, even when two copies arrive at the same moment."""

    case = models.OneToOneField(Case, models.PROTECT, related_name="receipt")
    channel = models.CharField(_("channel"), max_length=16)
    key = models.CharField(_("external id or idempotency key"), max_length=128, blank=True)
    token = models.CharField(max_length=32, unique=True)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    media_urls = models.JSONField(default=list, blank=True)
    api_key = models.ForeignKey(ApiToken, models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        constraints = [models.UniqueConstraint(fields=["channel", "key"], condition=~Q(key=""),
                                               name="unique_intake_key")]


class Question(models.Model):
    """An extra question a category asks a reporter (an Open311 service attribute)."""

    class Datatype(models.TextChoices):
        STRING = "string", _("Short text")
        NUMBER = "number", _("Number")
        DATETIME = "datetime", _("Date and time")
        TEXT = "text", _("Long text")
        SINGLE = "singlevaluelist", _("One of a list")
        MULTI = "multivaluelist", _("Several of a list")

    category = models.ForeignKey(Category, models.CASCADE, related_name="questions")
    code = models.SlugField(_("code"), max_length=32)
    description = models.CharField(_("question"), max_length=200)
    datatype = models.CharField(_("datatype"), max_length=16, choices=Datatype.choices)
    datatype_description = models.CharField(_("datatype description"), max_length=200, blank=True)
    required = models.BooleanField(_("required"), default=False)
    # False: information shown to the reporter, not a question (Open311's variable=false).
    variable = models.BooleanField(_("asks for a value"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    values = models.JSONField(_("choices"), default=list, blank=True)  # [{"key": …, "name": …}]

    class Meta:
        ordering = ["category", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["category", "code"], name="unique_question_code")]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self):
        return f"{self.category.code}/{self.code}"

    def keys(self) -> set[str]:
        return {str(v.get("key")) for v in self.values}


class Update(models.Model):
    """A comment an Open311 client posted on a request (mySociety's POST servicerequestupdates):
    kept beside the case for the operators, never a change of its state by itself."""

    case = models.ForeignKey(Case, models.PROTECT, related_name="open311_updates")
    api_key = models.ForeignKey(ApiToken, models.PROTECT, related_name="+")
    external_id = models.CharField(max_length=64, blank=True)  # the client's own update id, for replays
    status = models.CharField(max_length=16, blank=True)  # what the client says: open | closed
    description = models.TextField(blank=True)
    media_url = models.URLField(max_length=500, blank=True)
    author = models.CharField(max_length=128, blank=True)
    updated_at = models.DateTimeField()  # the client's time of the update
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("Open311 update")
        verbose_name_plural = _("Open311 updates")
        constraints = [models.UniqueConstraint(fields=["api_key", "external_id"], condition=~Q(external_id=""),
                                               name="unique_open311_update")]


class Queued(models.Model):
    """An Open311 report taken in and answered with its token, not yet a case.

    The POST only checks the report and writes this one row, so a burst of apps is answered in
    milliseconds; `finegrid worker` drains the queue in batches through the intake pipeline
    (`intake.inbox.drain`). The unique key makes a replayed POST find its first row, and a row is
    marked done in the transaction that opens its case: nothing lost on a crash, nothing doubled."""

    token = models.CharField(max_length=32, unique=True)
    key = models.CharField(max_length=128, unique=True)  # the idempotency key, as in Receipt
    api_key = models.ForeignKey(ApiToken, models.PROTECT, null=True, blank=True, related_name="+")
    payload = models.JSONField()  # the checked submission's fields
    received_at = models.DateTimeField()
    case = models.OneToOneField(Case, models.PROTECT, null=True, blank=True, related_name="+")
    done_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)  # why a report was set aside instead of opened

    class Meta:
        verbose_name = _("queued report")
        verbose_name_plural = _("queued reports")
        # The drain reads the oldest waiting rows: a partial index holds only those.
        indexes = [models.Index(fields=["id"], condition=Q(done_at__isnull=True), name="queued_waiting")]

    def __str__(self):
        return self.token
