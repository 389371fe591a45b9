"""Real-time risk sensing (风险隐患实时感知): monitored sites, their devices and sensors, the
readings they send, and the alarms the rules raise from them. Every change of an alarm is an
AlarmEvent row (the audit trail); readings are a plain time series, written in batches."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from finegrid.grid.models import Grid
from finegrid.org.models import Unit

from .kinds import KIND_CHOICES, SEVERITY_CHOICES


class Site(models.Model):
    """A monitored place: a gas station, a valve chamber, a restaurant kitchen, a tank farm…"""

    class Kind(models.TextChoices):
        GAS_STATION = "gas_station", _("Gas station (燃气场站)")
        GAS_WELL = "gas_well", _("Valve chamber or gas well (管网阀门井/燃气井)")
        RESTAURANT = "restaurant", _("Restaurant gas (餐饮场所燃气)")
        HAZCHEM = "hazchem", _("Hazardous-chemical tank farm (危化品企业储罐区)")
        TUNNEL = "tunnel", _("Underground space or utility tunnel (地下空间/综合管廊)")
        FLOOD = "flood", _("Flood-prone spot (易涝点)")

    code = models.SlugField(_("code"), max_length=32, unique=True)  # the {site} of MQTT topics
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    address = models.CharField(_("address"), max_length=200, blank=True)
    lon = models.FloatField()
    lat = models.FloatField()
    grid = models.ForeignKey(Grid, models.PROTECT, null=True, blank=True, related_name="sites")
    # The most precise code the locator found (micro-grid or grid): region pages filter by prefix.
    area_code = models.CharField(_("area code"), max_length=18, blank=True, db_index=True)
    unit = models.ForeignKey(Unit, models.PROTECT, null=True, blank=True, related_name="sites",
                             verbose_name=_("responsible unit"))
    enterprise = models.CharField(_("enterprise or operator"), max_length=100, blank=True)
    contact_phone = models.CharField(_("duty phone"), max_length=32, blank=True)
    # Overrides of the default rules, by sensor kind: {"ch4": {"threshold": {"high": [[20, "orange"]]}}}.
    rules = models.JSONField(_("rule overrides"), default=dict, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("monitored site")
        verbose_name_plural = _("monitored sites")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.area_code:
            self.place()
        super().save(*args, **kwargs)

    def clean(self):
        check_overrides({kind: layer for kind, layer in (self.rules or {}).items()}, self.kind)

    def place(self) -> None:
        """The grid and area code of the site's point, from the exact locator."""
        from finegrid.grid.locate import locate

        location = locate(self.lon, self.lat)
        self.area_code = location.microgrid_code or location.grid_code or ""
        self.grid = Grid.objects.filter(code=location.grid_code).first() if location.grid_code else None


def check_overrides(by_kind: dict, site_kind: str) -> None:
    """Rule overrides that resolve to a valid configuration, or a ValidationError saying why."""
    from django.core.exceptions import ValidationError

    from . import rules

    if not isinstance(by_kind, dict) or not all(isinstance(layer, dict) for layer in by_kind.values()):
        raise ValidationError({"rules": _("rule overrides are a JSON object of objects")})
    try:
        for kind, layer in by_kind.items():
            rules.check(rules.resolve(kind, site_kind, sensor_rules=layer, strict=True))
    except (ValueError, TypeError, KeyError) as error:
        raise ValidationError({"rules": str(error)})


class Device(models.Model):
    """A detector or data logger at a site; it reports every `interval_s` seconds and is offline
    after `offline_after` intervals without a reading."""

    site = models.ForeignKey(Site, models.PROTECT, related_name="devices")
    code = models.SlugField(_("code"), max_length=40, unique=True)  # the {device} of MQTT topics
    name = models.CharField(_("name"), max_length=100, blank=True)
    model = models.CharField(_("model"), max_length=64, blank=True)
    interval_s = models.PositiveIntegerField(_("expected reporting interval (s)"), default=60)
    offline_after = models.PositiveSmallIntegerField(_("offline after this many intervals"), default=3)
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)  # HTTP ingest: sha256 of the token
    # MQTT: the same token as the device's broker password, in Mosquitto's password-file hash
    # (broker.py), so `finegrid broker-config` can write the password file without knowing it.
    broker_hash = models.CharField(max_length=200, blank=True)
    last_seen_at = models.DateTimeField(_("last reading"), null=True, blank=True, db_index=True)
    # Where the device's message count stands (sequence.py), and how many messages never came.
    seq = models.BigIntegerField(_("last message number"), null=True, blank=True)
    seq_ts = models.BigIntegerField(null=True, blank=True)  # ms: when the message numbered `seq` was measured
    lost_messages = models.PositiveBigIntegerField(_("messages lost"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("device")
        verbose_name_plural = _("devices")

    def __str__(self):
        return self.code


class Sensor(models.Model):
    """One measured quantity of a device (CH4 in %LEL, O2 in %VOL, water level in m…)."""

    device = models.ForeignKey(Device, models.PROTECT, related_name="sensors")
    code = models.SlugField(_("code"), max_length=32)  # the key of the payload's "values"
    kind = models.CharField(_("kind"), max_length=16, choices=KIND_CHOICES)
    rules = models.JSONField(_("rule overrides"), default=dict, blank=True)  # as Site.rules, for this sensor alone

    def clean(self):
        check_overrides({self.kind: self.rules or {}}, self.device.site.kind if self.device_id else "")

    class Meta:
        ordering = ["device", "code"]
        constraints = [models.UniqueConstraint(fields=["device", "code"], name="unique_sensor_code")]
        verbose_name = _("sensor")
        verbose_name_plural = _("sensors")

    def __str__(self):
        return f"{self.device_id}/{self.code}"


class Reading(models.Model):
    """One value of one sensor. `ts` is the measurement time in milliseconds since the epoch
    (UTC): an integer keeps the time series small and its unique key cheap. The key (sensor, ts)
    makes storage idempotent: a message the broker delivers twice is stored once."""

    sensor = models.ForeignKey(Sensor, models.PROTECT, related_name="readings", db_index=False)
    ts = models.BigIntegerField()
    value = models.FloatField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["sensor", "ts"], name="unique_reading")]
        verbose_name = _("reading")
        verbose_name_plural = _("readings")


class Alarm(models.Model):
    """A condition a rule found at a sensor (or a device, for 离线). At most one is active per
    sensor and rule: `active_key` holds "device:sensor:rule" while the alarm is active and is
    NULL after, so a unique index enforces it across processes (NULLs never collide)."""

    class State(models.TextChoices):
        ACTIVE_UNACK = "active_unack", _("Active, unacknowledged")
        ACTIVE_ACK = "active_ack", _("Active, acknowledged")
        CLEARED_UNACK = "cleared_unack", _("Cleared, unacknowledged")
        CLEARED_ACK = "cleared_ack", _("Cleared, acknowledged")

    site = models.ForeignKey(Site, models.PROTECT, related_name="alarms")
    device = models.ForeignKey(Device, models.PROTECT, related_name="alarms")
    sensor = models.ForeignKey(Sensor, models.PROTECT, null=True, blank=True, related_name="alarms")
    rule = models.CharField(_("rule"), max_length=32)  # threshold, rate, stuck, offline, shutoff…
    area_code = models.CharField(max_length=18, blank=True, db_index=True)
    active_key = models.CharField(max_length=80, null=True, blank=True, unique=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.ACTIVE_UNACK)
    severity = models.PositiveSmallIntegerField(_("severity"), choices=SEVERITY_CHOICES)
    value = models.FloatField(_("value"), null=True, blank=True)
    peak = models.FloatField(_("worst value"), null=True, blank=True)
    threshold = models.FloatField(_("threshold"), null=True, blank=True)
    # What the alarm says: a code and its parameters, made a sentence in the reader's language
    # when shown (`text`, texts.py), and that sentence in the source language (`summary`).
    text_code = models.CharField(max_length=16, blank=True)
    text_params = models.JSONField(default=dict, blank=True)
    summary = models.CharField(_("message"), max_length=200)
    first_ts = models.BigIntegerField(null=True, blank=True)  # the reading that raised it (ms)
    last_ts = models.BigIntegerField(null=True, blank=True)
    count = models.PositiveIntegerField(_("readings"), default=1)
    raised_at = models.DateTimeField(_("raised at"), db_index=True)
    updated_at = models.DateTimeField(_("updated at"))
    cleared_at = models.DateTimeField(_("cleared at"), null=True, blank=True)
    acked_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acked_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    ack_comment = models.TextField(_("acknowledgement comment"), blank=True)
    escalation = models.PositiveSmallIntegerField(default=0)  # unacknowledged: 1 at 5 min, 2 at 15, 3 at 30
    next_check_at = models.DateTimeField(null=True, blank=True, db_index=True)
    case = models.ForeignKey("cases.Case", models.PROTECT, null=True, blank=True, related_name="alarms")

    class Meta:
        ordering = ["-raised_at"]
        indexes = [models.Index(fields=["site", "state"]), models.Index(fields=["state", "severity"]),
                   # The ingest's look-up of a batch's active alarms (alarms.Book.load), which the
                   # device's cleared history would otherwise slow as it grows.
                   models.Index(fields=["device"], condition=models.Q(active_key__isnull=False),
                                name="sensing_alarm_active_device")]
        verbose_name = _("alarm")
        verbose_name_plural = _("alarms")

    def __str__(self):
        return f"{self.get_severity_display()} {self.text}"

    @property
    def text(self) -> str:
        """The alarm's sentence in the active language (texts.py)."""
        from .texts import render

        return render(self.text_code, self.text_params, self.summary) if self.text_code else self.summary

    @text.setter
    def text(self, sentence: str) -> None:
        """A plain sentence, the same in every language (an alarm made by hand, a test's)."""
        self.summary, self.text_code, self.text_params = sentence, "", {}

    message = text  # what pages and the console's feed show: `{{ alarm.message }}`

    @property
    def is_active(self) -> bool:
        return self.state in (self.State.ACTIVE_UNACK, self.State.ACTIVE_ACK)


class AlarmEvent(models.Model):
    """One change of an alarm: raised, worse, cleared, acknowledged, escalated, case opened."""

    alarm = models.ForeignKey(Alarm, models.CASCADE, related_name="events")
    at = models.DateTimeField(_("time"))
    action = models.CharField(_("action"), max_length=16)
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16)
    severity = models.PositiveSmallIntegerField(choices=SEVERITY_CHOICES)
    value = models.FloatField(null=True, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    actor_label = models.CharField(max_length=64, default="system")
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["alarm", "at", "pk"]
        verbose_name = _("alarm event")
        verbose_name_plural = _("alarm events")


class IngestCounter(models.Model):
    """Running totals of the ingest: readings accepted, late, and rejected by reason."""

    name = models.CharField(max_length=48, unique=True)
    value = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["name"]
        verbose_name = _("ingest counter")
        verbose_name_plural = _("ingest counters")
