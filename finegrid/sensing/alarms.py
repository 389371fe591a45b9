"""Alarms: raised, worsened, repeated and cleared by the rules (through a `Book` per batch),
acknowledged by people, escalated by the tick when nobody acknowledges. States follow the
usual alarm-management model (IEC 62682 / ISA-18.2): ACTIVE_UNACK → ACTIVE_ACK or
CLEARED_UNACK → CLEARED_ACK. Severity only rises while an alarm is active."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, F, Value, When
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from . import texts
from .kinds import LOST_SEVERITY, SEVERITIES, severity
from .models import Alarm, AlarmEvent

S = Alarm.State
CLEARED = {S.ACTIVE_UNACK: S.CLEARED_UNACK, S.ACTIVE_ACK: S.CLEARED_ACK}
ACKED = {S.ACTIVE_UNACK: S.ACTIVE_ACK, S.CLEARED_UNACK: S.CLEARED_ACK}
ESCALATE_AFTER = (timedelta(minutes=5), timedelta(minutes=15), timedelta(minutes=30))
LOST = "lost"  # the device alarm of messages missing from its count (sequence.py)
LOSS_CLEARS_AFTER = timedelta(minutes=10)  # of messages in sequence after the last gap
NAMES = {level: name for name, level in SEVERITIES.items()}


class AlarmError(Exception):
    """An acknowledgement that may not be made; the message says why."""


def case_level() -> int:
    """The severity from which an alarm opens a case (FINEGRID_SENSING_CASE_LEVEL)."""
    return severity(settings.FINEGRID_SENSING_CASE_LEVEL)


def active_key(device_id: int, sensor_id: int | None, rule: str) -> str:
    return f"{device_id}:{sensor_id or '-'}:{rule}"


@dataclass
class Change:
    alarm: Alarm
    action: str  # raise, worse, clear, escalate

    @property
    def needs_case(self) -> bool:
        return self.action != "clear" and self.alarm.case_id is None and self.alarm.severity >= case_level()

    def event(self) -> dict:
        return alarm_event(self.alarm, self.action)


def alarm_event(alarm: Alarm, action: str) -> dict:
    """What listeners hear (the MQTT consumer publishes it on finegrid/{site}/{device}/alarm)."""
    return {"event": "alarm", "action": action, "alarm": alarm.pk, "site_id": alarm.site_id,
            "device_id": alarm.device_id, "sensor_id": alarm.sensor_id, "rule": alarm.rule, "state": alarm.state,
            "severity": NAMES[alarm.severity], "value": alarm.value, "first_ts": alarm.first_ts, "ts": alarm.last_ts,
            "at": timezone.now().timestamp()}


def case_event(alarm: Alarm) -> dict:
    return {**alarm_event(alarm, "case"), "event": "case", "case": alarm.case_id,
            "ticket": alarm.case.ticket if alarm.case_id else "", "case_state": alarm.case.state if alarm.case_id else ""}


class Book:
    """The active alarms of one batch's devices, changed in memory and written at once. What it
    writes is what the ingest owns: a person's acknowledgement or the tick's escalation made since
    the book was read is kept (see `save`)."""

    def __init__(self, alarms):
        self.active = {(a.sensor_id, a.rule): a for a in alarms if a.sensor_id}
        self.offline = {a.device_id: a for a in alarms if a.rule == "offline"}
        self.losses = {a.device_id: a for a in alarms if a.rule == LOST}
        self.new, self.dirty, self.events, self.changes = [], {}, [], []
        self.worse, self.cleared = set(), set()

    @classmethod
    def load(cls, device_ids, rule: str | None = None) -> "Book":
        return cls(active_alarms(sorted(device_ids), rule)) if device_ids else cls([])

    def alarmed_devices(self) -> set[int]:
        """The devices this book holds an active sensor or offline alarm of."""
        return {alarm.device_id for alarm in self.active.values()} | set(self.offline)

    @property
    def changed(self) -> bool:
        return bool(self.new or self.dirty or self.events)

    def level(self, sensor_id: int, rule: str) -> int:
        alarm = self.active.get((sensor_id, rule)) if self.active else None
        return alarm.severity if alarm else 0

    def apply(self, sensor, rule: str, verdict, ts: int, value: float, now: datetime) -> None:
        alarm = self.active.get((sensor.id, rule))
        if verdict.level == 0:
            if alarm:
                self.clear(alarm, now, value, ts)
            return
        if alarm is None:
            self._raise(sensor, rule, verdict, ts, value, now)
            return
        alarm.value, alarm.last_ts, alarm.count, alarm.updated_at = value, ts, alarm.count + 1, now
        alarm.peak = _worst(alarm.peak, value, verdict)
        if verdict.level > alarm.severity:  # a higher level escalates the same alarm
            alarm.severity, alarm.threshold = verdict.level, verdict.threshold
            say(alarm, *message(sensor, rule, verdict, value))
            self._change(alarm, "worse", now, value)
            if alarm.pk is not None:
                self.worse.add(alarm.pk)
        self._touch(alarm)

    def _raise(self, sensor, rule, verdict, ts, value, now) -> None:
        device = sensor.device
        alarm = Alarm(
            site_id=device.site_id, device_id=device.id, sensor_id=sensor.id, rule=rule, area_code=device.area_code,
            active_key=active_key(device.id, sensor.id, rule), state=S.ACTIVE_UNACK, severity=verdict.level,
            value=value, peak=value, threshold=verdict.threshold, first_ts=ts, last_ts=ts, raised_at=now,
            updated_at=now, next_check_at=now + ESCALATE_AFTER[0],
        )
        say(alarm, *message(sensor, rule, verdict, value))
        self.active[(sensor.id, rule)] = alarm
        self.new.append(alarm)
        self._change(alarm, "raise", now, value)

    def clear(self, alarm: Alarm, now: datetime, value, ts: int | None = None) -> None:
        """`ts`: the reading that cleared it, kept as the newest the alarm was evaluated on."""
        from_state = alarm.state
        alarm.state, alarm.active_key, alarm.cleared_at, alarm.next_check_at = CLEARED[alarm.state], None, now, None
        alarm.updated_at = now
        if value is not None:
            alarm.value = value
        if ts is not None:
            alarm.last_ts = ts
        if alarm.pk is not None:
            self.cleared.add(alarm.pk)
        self.active.pop((alarm.sensor_id, alarm.rule), None)
        if alarm.rule == "offline":
            self.offline.pop(alarm.device_id, None)
        if alarm.rule == LOST:
            self.losses.pop(alarm.device_id, None)
        self._change(alarm, "clear", now, value, from_state)
        self._touch(alarm)

    def note_losses(self, gaps, devices_by_id: dict, arrived, now: datetime) -> None:
        """A gap raises the device's 报文丢失 alarm, or adds to the active one (`value` counts the
        messages lost, `count` the gaps); a device whose count has stayed whole for
        LOSS_CLEARS_AFTER since the last gap clears it."""
        for gap in gaps:
            alarm = self.losses.get(gap.device_id)
            if alarm is None:
                self._raise_loss(devices_by_id[gap.device_id], gap, now)
                continue
            alarm.value, alarm.count, alarm.updated_at = alarm.value + gap.size, alarm.count + 1, now
            alarm.peak = max(alarm.peak or 0, gap.size)
            say(alarm, *loss_message(alarm.value, alarm.count, gap))
            self._touch(alarm)
        gapped = {gap.device_id for gap in gaps}
        for device_id in arrived:
            alarm = self.losses.get(device_id)
            if alarm is not None and device_id not in gapped and now - alarm.updated_at >= LOSS_CLEARS_AFTER:
                self.clear(alarm, now, None)

    def _raise_loss(self, device, gap, now) -> None:
        alarm = Alarm(
            site_id=device.site_id, device_id=device.id, rule=LOST, area_code=device.area_code,
            active_key=active_key(device.id, None, LOST), state=S.ACTIVE_UNACK, severity=LOST_SEVERITY,
            value=gap.size, peak=gap.size, raised_at=now, updated_at=now, next_check_at=now + ESCALATE_AFTER[0],
        )
        say(alarm, *loss_message(gap.size, 1, gap))
        self.losses[device.id] = alarm
        self.new.append(alarm)
        self._change(alarm, "raise", now, gap.size)

    def _change(self, alarm, action, now, value, from_state="") -> None:
        to_state = alarm.state
        from_state = from_state or ("" if action == "raise" else alarm.state)
        self.events.append(AlarmEvent(alarm=alarm, at=now, action=action, from_state=from_state, to_state=to_state,
                                      severity=alarm.severity, value=value))
        self.changes.append(Change(alarm, action))

    def _touch(self, alarm) -> None:
        if alarm.pk is not None:
            self.dirty[alarm.pk] = alarm

    def save(self) -> list[Change]:
        """Inside the caller's transaction. Existing alarms get the ingest's own fields in one
        UPDATE; a worse level never lowers what the tick escalated (GREATEST), and a clear maps
        whatever state the alarm is in now (acknowledged meanwhile or not) to its cleared one."""
        Alarm.objects.bulk_create(self.new)
        if self.dirty:
            Alarm.objects.bulk_update(list(self.dirty.values()), INGEST_FIELDS)
        for pk in self.worse:
            alarm = self.dirty[pk]
            Alarm.objects.filter(pk=pk).update(severity=Greatest(F("severity"), Value(alarm.severity)),
                                               threshold=alarm.threshold)
        for pk in self.cleared:
            alarm = self.dirty[pk]
            Alarm.objects.filter(pk=pk).update(state=TO_CLEARED, active_key=None, cleared_at=alarm.cleared_at,
                                               next_check_at=None)
        for event in self.events:
            event.alarm = event.alarm  # re-assigned: sets alarm_id now that a new alarm has its key
        AlarmEvent.objects.bulk_create(self.events)
        return self.changes


def alarmed_devices() -> set[int]:
    """Every device with an active sensor or offline alarm (the rules' concern; not 报文丢失)."""
    active = Alarm.objects.filter(active_key__isnull=False).exclude(rule=LOST)
    return set(active.values_list("device_id", flat=True).distinct())


def active_alarms(device_ids: list[int], rule: str | None = None) -> list[Alarm]:
    """The active alarms of these devices, in one statement of a fixed shape per chunk. The rules
    read them for every batch, dozens of times a second: built by the ORM, the query took a third
    of the consumer's time holding the interpreter lock (compiling a filter over a few hundred
    device ids), which is time paho's thread and the next alarm waited for."""
    table = connection.ops.quote_name(Alarm._meta.db_table)
    also, extra = (" AND rule = %s", [rule]) if rule else ("", [])
    postgres = connection.vendor == "postgresql"
    size = max(len(device_ids), 1) if postgres else 500  # PostgreSQL: one array parameter, any count
    found = []
    for start in range(0, len(device_ids), size):
        chunk = device_ids[start:start + size]
        among, params = ("= ANY(%s)", [chunk]) if postgres else (f"IN ({', '.join(['%s'] * len(chunk))})", chunk)
        found += Alarm.objects.raw(f"SELECT * FROM {table} WHERE active_key IS NOT NULL AND device_id {among}{also}",
                                   params + extra)
    return found


# What only the ingest writes; state and severity, which people and the tick change too, apart.
INGEST_FIELDS = ["value", "peak", "last_ts", "count", "updated_at", "text_code", "text_params", "summary"]
TO_CLEARED = Case(*(When(state=active, then=Value(cleared)) for active, cleared in CLEARED.items()), default=F("state"))


def _worst(peak, value, verdict):
    if peak is None:
        return value
    return min(peak, value) if verdict.note == "low" else max(peak, value)


def say(alarm: Alarm, code: str, params: dict) -> None:
    """What the alarm says: its code and parameters (rendered in the reader's language, texts.py)
    and the sentence in the source language."""
    alarm.text_code, alarm.text_params, alarm.summary = code, params, texts.source(code, params)


def loss_message(lost: float, gaps: int, gap) -> tuple[str, dict]:
    """lost 37 messages (numbers 1001–1037); with several gaps: lost 40 messages in 2 gaps, …"""
    return texts.LOST, {"lost": lost, "gaps": gaps, "first": gap.first, "last": gap.last}


def message(sensor, rule: str, verdict, value: float) -> tuple[str, dict]:
    """A short line: CH4 32 %LEL ≥ 25, CH4 stuck at 3 %LEL…"""
    base = {"name": sensor.kind.code.upper().replace("_", " "), "unit": sensor.kind.unit, "value": value}
    if verdict.note == "stuck":
        return texts.STUCK, base
    if rule == "rate" or verdict.note.endswith("/min"):
        return texts.RATE, {**base, "rate": verdict.note.removesuffix("/min")}
    if verdict.threshold is None:
        return texts.ACTION, {**base, "action": verdict.note or rule}
    sign = "≤" if value <= verdict.threshold and verdict.note == "low" else "≥"
    return texts.THRESHOLD, {**base, "sign": sign, "threshold": verdict.threshold}


def acknowledge(alarm: Alarm, user, comment: str = "", now: datetime | None = None) -> Alarm:
    """确认: a person has seen the alarm. Two people at once: exactly one acknowledgement counts."""
    now = now or timezone.now()
    comment = comment.strip()
    if alarm.state not in ACKED:
        raise AlarmError(_("this alarm is already acknowledged"))
    to_state = ACKED[alarm.state]
    with transaction.atomic():
        won = Alarm.objects.filter(pk=alarm.pk, state=alarm.state).update(
            state=to_state, acked_at=now, acked_by=user, ack_comment=comment, next_check_at=None, updated_at=now)
        if not won:
            raise AlarmError(_("somebody else changed the alarm first; reload it"))
        AlarmEvent.objects.create(alarm=alarm, at=now, action="ack", from_state=alarm.state, to_state=to_state,
                                  severity=alarm.severity, value=alarm.value, actor=user,
                                  actor_label=getattr(user, "username", "system"), comment=comment)
        from finegrid.core.models import audit

        audit("sensing.alarm.ack", str(alarm.pk), user, comment=comment)
    alarm.state, alarm.acked_at, alarm.acked_by, alarm.ack_comment, alarm.next_check_at = to_state, now, user, comment, None
    return alarm
