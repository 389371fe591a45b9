"""Petitions (信访事项) held to the 信访工作条例's clocks, the petitioners behind them, the links
that say the same person or the same matter came again, leaders' reception days (接访) and the
hard matters a leader owns until settled (包案)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from finegrid.cases.models import Case, TransitionRecord
from finegrid.org.models import Unit
from finegrid.org.privacy import mask_phone


class LimitRule(models.Model):
    """One version of the chain's limits, in days (日: calendar days). A version is never edited:
    a petition keeps the version it was registered under, so a new rule writes the next one."""

    version = models.PositiveIntegerField(unique=True)
    valid_from = models.DateField()
    days = models.JSONField()  # transfer, accept, handle, extend, review_window, review, recheck_window, recheck
    roll_over_holidays = models.BooleanField(default=True)  # a last day on a 休息日/节假日 moves to the next working day
    source = models.CharField(max_length=200, blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    set_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-version"]

    def save(self, *args, **kwargs):
        if self.pk is not None:  # a rule in force is never changed: the petitions under it keep it
            raise ValueError("a LimitRule version is never edited; write the next version (rules.revise)")
        super().save(*args, **kwargs)


class Petitioner(models.Model):
    """A person who petitions: the 证件 number only encrypted (`identity.seal`), looked up by keys."""

    class IdType(models.TextChoices):
        RESIDENT = "resident", _("Resident ID card")
        PASSPORT = "passport", _("Passport")
        OTHER = "other", _("Other ID")

    name = models.CharField(_("person's name"), max_length=64)
    id_type = models.CharField(_("ID type"), max_length=12, choices=IdType.choices, default=IdType.RESIDENT)
    id_sealed = models.TextField(blank=True)  # Fernet token of the number
    id_masked = models.CharField(max_length=24, blank=True)  # 321002********1234: what most people see
    id_key = models.CharField(max_length=32, blank=True, db_index=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    address = models.CharField(_("home address"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    def __str__(self):
        return self.name


class Petition(models.Model):
    class State(models.TextChoices):
        REGISTERED = "registered", _("Registered")  # 登记: 15 days to 转送/交办 or route it
        ROUTED = "routed", _("Routed by its class")  # 建议意见/检举控告/法定途径: handled outside the chain
        TRANSFERRED = "transferred", _("Transferred")  # 转送/交办: 15 days for the body to decide on 受理
        DECLINED = "declined", _("Not accepted")  # 不予受理
        HANDLING = "handling", _("Being handled")  # 办理: 60 days, once extended by ≤ 30
        ANSWERED = "answered", _("Answered")  # 答复: 30 days to ask for 复查
        REVIEWING = "reviewing", _("Under review")  # 复查: 30 days
        REVIEWED = "reviewed", _("Reviewed")  # 复查意见: 30 days to ask for 复核
        RECHECKING = "rechecking", _("Under re-examination")  # 复核: 30 days
        CONCLUDED = "concluded", _("Concluded")  # 终结
        NOT_AGAIN = "not_again", _("Not accepted again")  # a 终结 matter submitted again: 不再受理

    class Channel(models.TextChoices):
        LETTER = "letter", _("Letter (来信)")
        VISIT = "visit", _("Visit (来访)")
        PHONE = "phone", _("Phone (电话)")
        ONLINE = "online", _("Online (网上)")
        HOTLINE = "12345", _("12345 transfer (12345转办)")

    class Kind(models.TextChoices):  # 依法分类处理
        PROPOSAL = "proposal", _("Proposal or opinion (建议意见类)")
        ACCUSATION = "accusation", _("Report or accusation (检举控告类)")
        CLAIM = "claim", _("Appeal or claim (申诉求决类)")
        LEGAL = "legal", _("Has a legal remedy (有法定途径)")

    class Level(models.TextChoices):  # where it was received: above the district is 越级
        DISTRICT = "district", _("District level")
        CITY = "city", _("City level")
        PROVINCE = "province", _("Province level")
        NATIONAL = "national", _("National level")

    number = models.CharField(_("number"), max_length=20, unique=True)  # XF2026110001
    state = models.CharField(max_length=16, choices=State.choices, default=State.REGISTERED)
    version = models.PositiveIntegerField(default=0)
    rule_version = models.PositiveIntegerField(default=1)
    channel = models.CharField(_("petition channel"), max_length=8, choices=Channel.choices)
    level = models.CharField(_("received at"), max_length=10, choices=Level.choices, default=Level.DISTRICT)
    kind = models.CharField(_("class"), max_length=12, choices=Kind.choices, blank=True)
    field = models.CharField(_("field"), max_length=16, blank=True)  # 保交楼, 征迁, 落私 …
    anonymous = models.BooleanField(_("anonymous letter"), default=False)
    petitioner = models.ForeignKey(Petitioner, models.PROTECT, null=True, blank=True, related_name="petitions")
    people_count = models.PositiveSmallIntegerField(_("number of people"), default=1)  # 集体访: five or more
    matter = models.TextField(_("matter"))
    demand = models.TextField(_("demand"), blank=True)
    area_code = models.CharField(max_length=18, blank=True)
    unit = models.ForeignKey(Unit, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("unit responsible"))
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
                               verbose_name=_("leader"))  # the 包案 leader, who may read the identity whole
    first = models.ForeignKey("self", models.SET_NULL, null=True, blank=True, related_name="+")  # the matter's first petition
    again_of = models.ForeignKey("self", models.SET_NULL, null=True, blank=True, related_name="resubmissions")
    # 12345转办: the hotline case it was taken in from, and the day the hotline received it.
    source_case = models.OneToOneField(Case, models.SET_NULL, null=True, blank=True, related_name="petition",
                                       verbose_name=_("hotline case"))
    received_at = models.DateTimeField(_("received by the hotline"), null=True, blank=True)
    # Clocks: the running one's start and end, a hearing's pause, the petitioner's window.
    registered_at = models.DateTimeField(db_index=True)
    clock_start = models.DateTimeField(null=True, blank=True)
    clock_days = models.PositiveSmallIntegerField(default=0)  # the running limit, with extension and hearings
    due_at = models.DateTimeField(null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    window_ends = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accept_due_at = models.DateTimeField(null=True, blank=True)  # 及时受理: decided by this
    handle_due_at = models.DateTimeField(null=True, blank=True)  # 按期办结: answered by this
    answered_at = models.DateTimeField(null=True, blank=True)
    concluded_at = models.DateTimeField(null=True, blank=True)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)  # 1 不满意 · 2 基本满意 · 3 满意
    extension_count = models.PositiveSmallIntegerField(default=0)
    next_check_at = models.DateTimeField(null=True, blank=True, db_index=True)
    alarm = models.CharField(max_length=8, blank=True, default="")
    escalation = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        # The desk walks `due_at` in order (set only while a clock runs, so the index holds the open
        # petitions alone at its end); red ones are few; linking looks up recent ones by field and place.
        indexes = [models.Index(fields=["unit", "state"]), models.Index(fields=["state", "due_at"]),
                   models.Index(fields=["due_at"]), models.Index(fields=["alarm"]),
                   models.Index(fields=["field", "area_code", "registered_at"])]

    def __str__(self):
        return self.number


class PetitionTransition(TransitionRecord):
    petition = models.ForeignKey(Petition, models.PROTECT, related_name="transitions")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["petition", "seq"], name="unique_petition_seq")]


class PersonKey(models.Model):
    """One hash key of the person behind a petition or a case (by 证件, phone, or name and address):
    the index the linking looks people up by, one indexed equality per key."""

    class Kind(models.TextChoices):
        ID = "id", _("ID number")
        PHONE = "phone", _("phone")
        NAME_ADDRESS = "name_address", _("name and address")

    key = models.CharField(max_length=32)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    subject = models.CharField(max_length=8)  # petition | case
    subject_id = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["key", "subject_id"])]
        constraints = [models.UniqueConstraint(fields=["key", "subject", "subject_id"], name="unique_person_key")]


class Link(models.Model):
    """A proposed or confirmed "the same person / the same matter" between a petition and an earlier
    petition or case. Proposed by the linking, confirmed or rejected by the petition office."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        CONFIRMED = "confirmed", _("Confirmed")
        REJECTED = "rejected", _("Rejected")

    petition = models.ForeignKey(Petition, models.CASCADE, related_name="links")
    subject = models.CharField(max_length=8)  # petition | case
    subject_id = models.BigIntegerField()
    by = models.CharField(max_length=40)  # id,phone,text …: what matched
    similarity = models.FloatField(default=0)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PROPOSED)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["petition", "subject", "subject_id"], name="unique_link")]


class ReceptionDay(models.Model):
    """领导接访日: a leader receives petitioners on a day, at a place."""

    leader = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("leader"))
    starts_at = models.DateTimeField(_("starts at"))
    place = models.CharField(_("reception place"), max_length=100)
    topic = models.CharField(_("topic"), max_length=100, blank=True)


class Appointment(models.Model):
    """A petitioner booked onto a reception day (预约接访), and once received, the visit's record."""

    day = models.ForeignKey(ReceptionDay, models.CASCADE, related_name="appointments")
    name = models.CharField(_("person's name"), max_length=64)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    matter = models.CharField(_("matter"), max_length=200)
    petition = models.ForeignKey(Petition, models.SET_NULL, null=True, blank=True, related_name="+")
    received_at = models.DateTimeField(null=True, blank=True)  # came and was received
    outcome = models.TextField(_("outcome"), blank=True)


class LeaderCase(models.Model):
    """包案: a leader owns a hard or old matter (积案) until it is settled, with a plan (一案一策) and
    regular progress; a plan step past its date, or no progress for the set days, is 督办'd."""

    class State(models.TextChoices):
        OWNED = "owned", _("Owned")
        SETTLED = "settled", _("Settled")

    petition = models.OneToOneField(Petition, models.PROTECT, related_name="leader_case")
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("leader"))
    state = models.CharField(max_length=10, choices=State.choices, default=State.OWNED)
    version = models.PositiveIntegerField(default=0)
    plan = models.JSONField(default=list)  # [{"what", "who", "by": "YYYY-MM-DD", "done": bool}]
    last_progress_at = models.DateTimeField()
    area_code = models.CharField(max_length=18, blank=True)
    unit = models.ForeignKey(Unit, models.PROTECT, null=True, blank=True, related_name="+")
    next_check_at = models.DateTimeField(null=True, blank=True, db_index=True)
    alarm = models.CharField(max_length=8, blank=True, default="")
    escalation = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)


class LeaderCaseTransition(TransitionRecord):
    leader_case = models.ForeignKey(LeaderCase, models.PROTECT, related_name="transitions")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["leader_case", "seq"], name="unique_leader_case_seq")]


def masked_identity(petitioner: Petitioner | None) -> dict:
    if petitioner is None:
        return {"name": "", "id_number": "", "phone": ""}
    return {"name": petitioner.name, "id_number": petitioner.id_masked, "phone": petitioner.masked_phone()}


