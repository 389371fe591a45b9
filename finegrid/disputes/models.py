"""A dispute (矛盾纠纷), its parties, its agreement files and its history. Mediation sessions and
follow-up visits (回访) are steps of the history: each is a transition row whose data keeps what
was said and found, so the record, the figures and the notices are one table."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from finegrid.cases.models import TransitionRecord
from finegrid.org.models import Unit


class Field(models.TextChoices):
    """The fields the district watches (紧盯保交楼、征迁、落私等重点领域)."""

    HOUSING_DELIVERY = "delivery", _("Housing delivery (保交楼)")
    EXPROPRIATION = "expropriation", _("Expropriation and relocation (征迁)")
    # 落实私房政策: private houses taken into 经租 management or occupied, returned or compensated.
    PRIVATE_HOUSING = "private_housing", _("Private housing policy (落私)")
    LABOUR = "labour", _("Labour and wages (劳资)")
    NEIGHBOURS = "neighbours", _("Neighbours (邻里)")
    PROPERTY = "property", _("Property management (物业)")
    FAMILY = "family", _("Marriage and family (婚姻家庭)")
    OTHER = "other", _("Other (其他)")


class Risk(models.TextChoices):
    RED = "red", _("Red (红)")
    ORANGE = "orange", _("Orange (橙)")
    YELLOW = "yellow", _("Yellow (黄)")


class Referral(models.TextChoices):
    """Where a dispute goes when mediation fails (调解不成): the parties' legal remedies."""

    LAWSUIT = "lawsuit", _("Lawsuit (诉讼)")
    ARBITRATION = "arbitration", _("Arbitration (仲裁)")
    PETITION = "petition", _("Petition (信访)")


class Dispute(models.Model):
    class State(models.TextChoices):
        REGISTERED = "registered", _("Registered")  # 登记, waiting for its mediator
        MEDIATING = "mediating", _("Mediating")  # 调解中
        AGREED = "agreed", _("Agreement reached")  # 达成协议, followed up by visits
        REFERRED = "referred", _("Referred")  # 调解不成, sent on to 诉讼/仲裁/信访
        CLOSED = "closed", _("Closed")  # 结案 with 三到位

    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    field = models.CharField(_("field"), max_length=16, choices=Field.choices)
    risk = models.CharField(_("risk level"), max_length=8, choices=Risk.choices)
    risk_reason = models.CharField(_("reason for the risk level"), max_length=500)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.REGISTERED)
    version = models.PositiveIntegerField(default=0)
    # Where: the grid's 15-digit code (a street's is its first 9); a point when one was given.
    area_code = models.CharField(_("area code"), max_length=18, db_index=True)
    lon = models.FloatField(null=True, blank=True)
    lat = models.FloatField(null=True, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    # The mediator: a 人民调解委员会 (a street's or a community's committee) or a grid worker.
    unit = models.ForeignKey(Unit, models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("mediation committee"))
    mediator = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("mediator"))
    registered_at = models.DateTimeField(_("registered"))
    clock_start = models.DateTimeField(null=True, blank=True)  # the running month's start (reopening restarts it)
    due_at = models.DateTimeField(_("mediation due"), null=True, blank=True)
    mediated_at = models.DateTimeField(_("mediation ended"), null=True, blank=True)  # agreed or failed
    agreed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    agreement = models.TextField(_("agreement"), blank=True)
    referral = models.CharField(_("referred to"), max_length=16, choices=Referral.choices, blank=True)
    # 三到位, as recorded at closing.
    problem_solved = models.TextField(_("problem solved (问题解决到位)"), blank=True)
    minds_eased = models.TextField(_("minds eased (思想疏导到位)"), blank=True)
    help_given = models.TextField(_("help given (帮扶救助到位)"), blank=True)
    broken = models.BooleanField(_("agreement broken"), default=False)  # the last visit found it not kept
    next_check_at = models.DateTimeField(null=True, blank=True, db_index=True)
    alarm = models.CharField(max_length=8, blank=True, default="")
    escalation = models.PositiveSmallIntegerField(default=0)
    session_count = models.PositiveSmallIntegerField(default=0)
    visit_count = models.PositiveSmallIntegerField(default=0)
    extension_count = models.PositiveSmallIntegerField(default=0)
    reopen_count = models.PositiveSmallIntegerField(default=0)
    # Links kept as plain references until the apps that own them exist (economy's project, the
    # grid's building, petitions' matter).
    project_ref = models.CharField(_("project"), max_length=64, blank=True, db_index=True)
    building_ref = models.CharField(_("building"), max_length=64, blank=True)
    petition_ref = models.CharField(_("petition"), max_length=32, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        indexes = [models.Index(fields=["state", "registered_at"]), models.Index(fields=["field", "risk"])]

    def __str__(self):
        return f"{self.number} {self.title}"

    @property
    def number(self) -> str:
        return f"TJ{self.pk:06d}" if self.pk else ""

    @property
    def street_code(self) -> str:
        return self.area_code[:9]


class Party(models.Model):
    class Side(models.TextChoices):
        APPLICANT = "applicant", _("Applicant (申请方)")
        RESPONDENT = "respondent", _("Respondent (被申请方)")

    dispute = models.ForeignKey(Dispute, models.CASCADE, related_name="parties")
    name = models.CharField(_("name"), max_length=64)
    side = models.CharField(_("side"), max_length=16, choices=Side.choices)
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["side", "pk"]

    def __str__(self):
        return f"{self.name} ({self.get_side_display()})"


class DisputeTransition(TransitionRecord):
    dispute = models.ForeignKey(Dispute, models.PROTECT, related_name="transitions")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["dispute", "seq"], name="unique_dispute_seq")]


class AgreementFile(models.Model):
    """The signed agreement (调解协议书), a scan or a PDF, stored with the step that recorded it."""

    dispute = models.ForeignKey(Dispute, models.PROTECT, related_name="files")
    transition = models.ForeignKey(DisputeTransition, models.PROTECT, related_name="files")
    file = models.FileField(upload_to="disputes/%Y/%m/")
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
