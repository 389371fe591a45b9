"""The ingest engine: `process_reading(...)` and `process_batch(...)` validate readings, store
them in one batched INSERT that ignores repeats (the unique key (sensor, ts) makes a QoS 1
redelivery harmless), evaluate each sensor's rules in time order, and raise, worsen or clear
alarms — readings and alarm changes in one transaction, so a crash leaves both or neither.

After the commit, alarms at or above the case level become cases, and listeners (the MQTT
consumer publishes alarm events) hear of every change. Everything a transport does is decode
and call this; nothing here knows about MQTT or HTTP."""

import logging
import math
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection, transaction
from django.db.models import F, Max
from django.utils import timezone

from . import alarms as alarmbook
from .models import Device, IngestCounter, Reading
from .registry import Registry, SensorInfo
from .rules import Context, SensorState
from .sequence import Sequences

logger = logging.getLogger("finegrid.sensing")

FUTURE_MS = 5 * 60 * 1000  # a device clock this far ahead is wrong: the reading is rejected
PAST_MS = 30 * 24 * 3600 * 1000  # a gateway may replay a month of buffered readings, not more
FLUSH_S = 2.0  # how often last-seen times and counters are written


@dataclass
class Incoming:
    """One device message, decoded: the device's code, the measurement time (epoch seconds or
    milliseconds, or ISO 8601 with a zone) and the values by sensor code. `site` is the topic's
    site code, checked against the device's; `seq` the message's number, if the device numbers
    them (sequence.py)."""

    device: object
    ts: object
    values: object
    site: str | None = None
    seq: int | None = None


@dataclass
class Outcome:
    accepted: int = 0
    late: int = 0  # stored but not evaluated: a repeat, or older than what was evaluated
    rejected: Counter = field(default_factory=Counter)
    lost: int = 0  # messages the devices' numbers say never arrived (sequence.py)
    changes: list = field(default_factory=list)  # alarmbook.Change, in order
    cases: list = field(default_factory=list)


class Engine:
    def __init__(self, registry: Registry | None = None):
        self.registry = registry or Registry()
        self.states: dict[int, SensorState] = {}
        self.latest: dict[int, float] = {}  # sensor id → latest value (for combined rules)
        self.counters: Counter = Counter()
        self.seen: dict[int, datetime] = {}  # device id → when its last message arrived
        self.sequences = Sequences()
        self.flushed_at = 0.0
        self.listeners: list = []
        self.lock = threading.Lock()

    # -- the entry points -------------------------------------------------------------------

    def process(self, items: list[Incoming], now: datetime | None = None) -> Outcome:
        now = now or timezone.now()
        with self.lock:
            outcome = Outcome()
            rows, devices, numbered = self._validate(items, now, outcome)
            touched = {row[0].id for row in rows}
            counted = {device.id for device, _, _ in numbered}
            try:
                self._warm([self.registry.sensors[pk] for pk in touched if pk not in self.states])
                gaps = self._count(numbered, counted)
                with transaction.atomic():
                    self._store(rows)
                    self.sequences.save(gaps)
                    outcome.changes = self._evaluate(rows, devices, now, outcome, gaps)
            except Exception:
                for pk in touched:  # what this process believed may not be stored: read it again
                    self.states.pop(pk, None)
                self.sequences.forget(counted)
                raise
            outcome.lost = sum(gap.size for gap in gaps)
            self.counters["accepted"] += outcome.accepted
            self.counters["late"] += outcome.late
            self.counters["lost"] += outcome.lost
            back = any(c.action == "clear" and c.alarm.rule == "offline" for c in outcome.changes)
            self._flush_if_due(now, force=back)  # a device back online: its last-seen time at once
        self._after(outcome, now)
        return outcome

    def count(self, reason: str, n: int = 1) -> None:
        """Count a message a transport could not even decode."""
        with self.lock:
            self.counters[f"rejected:{reason}"] += n

    # -- validation ------------------------------------------------------------------------

    def _validate(self, items, now, outcome) -> tuple[list, set, list]:
        now_ms = int(now.timestamp() * 1000)
        rows, devices, numbered = [], set(), []
        for item in items:
            reason = self._check_message(item, now_ms)
            if isinstance(reason, str):
                outcome.rejected[reason] += 1
                continue
            device, ts = reason
            self.seen[device.id] = now
            devices.add(device.id)
            if item.seq is not None:
                numbered.append((device, item.seq, ts))  # in the order of arrival, which the count follows
            for code, value in item.values.items():
                sensor = device.sensors.get(code)
                problem = _check_value(sensor, value)
                if problem:
                    outcome.rejected[problem] += 1
                else:
                    rows.append((sensor, ts, float(value)))
        for reason, n in outcome.rejected.items():
            self.counters[f"rejected:{reason}"] += n
        rows.sort(key=lambda row: row[1])  # rules see each sensor's readings in time order
        return rows, devices, numbered

    def _check_message(self, item: Incoming, now_ms: int):
        device = self.registry.device(item.device)
        if device is None:
            return "unknown_device"
        if item.site is not None and item.site != device.site_code:
            return "wrong_site"
        ts = parse_ts(item.ts)
        if ts is None:
            return "bad_time"
        if ts > now_ms + FUTURE_MS:
            return "future_time"
        if ts < now_ms - PAST_MS:
            return "too_old"
        if not isinstance(item.values, dict) or not item.values:
            return "bad_payload"
        return device, ts

    def _count(self, numbered, counted) -> list:
        """The gaps in the devices' message numbers (in memory; saved with the readings)."""
        if not numbered:
            return []
        self.sequences.warm(counted)
        return [gap for device, seq, ts in numbered if (gap := self.sequences.advance(device.id, seq, ts))]

    # -- storage ---------------------------------------------------------------------------

    def _warm(self, sensors: list[SensorInfo]) -> None:
        """The state of sensors this process has not seen yet: the last stored timestamp, so a
        redelivered reading is not evaluated twice after a restart, and the rate window."""
        for chunk in _chunks(sensors, 500):
            ids = [s.id for s in chunk]
            last = dict(Reading.objects.filter(sensor_id__in=ids).values("sensor_id")
                        .annotate(ts=Max("ts")).values_list("sensor_id", "ts"))
            for sensor in chunk:
                self.states[sensor.id] = SensorState(sensor.horizon_ms, last_ts=last.get(sensor.id, -1))
            windowed = [s for s in chunk if s.horizon_ms and s.id in last]
            if windowed:
                since = min(last[s.id] - s.horizon_ms for s in windowed)
                recent = (Reading.objects.filter(sensor_id__in=[s.id for s in windowed], ts__gte=since)
                          .order_by("ts").values_list("sensor_id", "ts", "value"))
                for pk, ts, value in recent:
                    self.states[pk].history.append((ts, value))
                    self.latest[pk] = value

    def _store(self, rows) -> None:
        if not rows:
            return
        table = Reading._meta.db_table
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # One statement for the whole batch: Django's client-side cursor would send an
                # executemany row by row, a round trip each.
                cursor.execute(
                    f"INSERT INTO {table} (sensor_id, ts, value) SELECT * FROM unnest(%s::bigint[], %s::bigint[], "
                    "%s::float8[]) ON CONFLICT (sensor_id, ts) DO NOTHING",
                    [[sensor.id for sensor, _, _ in rows], [ts for _, ts, _ in rows], [value for _, _, value in rows]])
            else:
                cursor.executemany(f"INSERT OR IGNORE INTO {table} (sensor_id, ts, value) VALUES (%s, %s, %s)",
                                   [(sensor.id, ts, value) for sensor, ts, value in rows])

    # -- rules -----------------------------------------------------------------------------

    def _evaluate(self, rows, devices, now, outcome, gaps=()) -> list:
        book = alarmbook.Book.load(devices)
        ctx = Context("", 0, self._peer_values)
        for alarm in list(book.offline.values()):  # a message arrived: the device is back
            book.clear(alarm, now, None)
        book.note_losses(gaps, self.registry.by_id, devices, now)
        for sensor, ts, value in rows:
            state = self.states[sensor.id]
            if ts <= state.last_ts:
                outcome.late += 1
                continue
            outcome.accepted += 1
            state.push(ts, value)
            self.latest[sensor.id] = value
            ctx.sensor = sensor
            for name, cfg, evaluate in sensor.rules:
                ctx.name, ctx.active = name, book.level(sensor.id, name)
                verdict = evaluate(cfg, state, ts, value, ctx)
                if verdict is not None:
                    book.apply(sensor, name, verdict, ts, value, now)
        return book.save()

    def _peer_values(self, sensor: SensorInfo, ref: str) -> list[float]:
        """The latest values of other sensors at `sensor`'s site: "other:KIND" or "DEVICE/CODE"."""
        site = self.registry.by_site.get(sensor.device.site_id, [])
        if ref.startswith("other:"):
            found = [s for s in site if s.kind.code == ref[6:] and s.id != sensor.id]
        else:
            device, _, code = ref.partition("/")
            found = [s for s in site if s.device.code == device and s.code == code]
        return [self.latest[s.id] for s in found if s.id in self.latest]

    # -- after the commit ------------------------------------------------------------------

    def _after(self, outcome: Outcome, now: datetime) -> None:
        from .casework import open_cases

        for listener in self.listeners:  # the alarms first: a case takes a few queries more
            for change in outcome.changes:
                _call(listener, change.event())
        outcome.cases = open_cases([c.alarm for c in outcome.changes if c.needs_case], now)
        for listener in self.listeners:
            for alarm in outcome.cases:
                _call(listener, alarmbook.case_event(alarm))

    def _flush_if_due(self, now: datetime, force: bool = False) -> None:
        if not force and time.monotonic() - self.flushed_at < FLUSH_S:
            return
        self.flushed_at = time.monotonic()
        seen, self.seen = self.seen, {}
        counters, self.counters = self.counters, Counter()
        if seen:
            adapt = connection.ops.adapt_datetimefield_value
            with connection.cursor() as cursor:
                cursor.executemany(f"UPDATE {Device._meta.db_table} SET last_seen_at = %s WHERE id = %s",
                                   [(adapt(at), pk) for pk, at in seen.items()])
        for name, value in counters.items():
            if value and not IngestCounter.objects.filter(name=name).update(value=F("value") + value):
                counter, created = IngestCounter.objects.get_or_create(name=name, defaults={"value": value})
                if not created:
                    IngestCounter.objects.filter(name=name).update(value=F("value") + value)

    def flush(self) -> None:
        with self.lock:
            self._flush_if_due(timezone.now(), force=True)


def _check_value(sensor, value) -> str:
    if sensor is None:
        return "unknown_sensor"
    if type(value) not in (int, float):  # bool is an int subclass, and no reading
        return "bad_value"
    if not math.isfinite(value):
        return "bad_value"
    if not sensor.kind.low <= value <= sensor.kind.high:
        return "out_of_range"
    return ""


def parse_ts(raw) -> int | None:
    """Epoch seconds or milliseconds (a number), or an ISO 8601 string with a zone → epoch ms."""
    if type(raw) in (int, float):
        if not math.isfinite(raw) or raw < 0:
            return None
        return int(raw if raw > 1e11 else raw * 1000)
    if isinstance(raw, str) and len(raw) <= 40:
        try:
            parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError:
            return None
        if parsed.tzinfo is None:
            return None  # a local time without a zone is ambiguous
        return int(parsed.timestamp() * 1000)
    return None


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _call(listener, event: dict) -> None:
    try:
        listener(event)
    except Exception:  # a listener's trouble must never stop the ingest
        logger.exception("alarm listener failed")


_default: Engine | None = None
_default_lock = threading.Lock()


def default_engine() -> Engine:
    global _default
    with _default_lock:
        if _default is None:
            _default = Engine()
        return _default


def reset_default_engine() -> None:
    global _default
    with _default_lock:
        _default = None


def process_batch(items: list[Incoming], now: datetime | None = None) -> Outcome:
    return default_engine().process(items, now)


def process_reading(device: str, ts, values: dict, site: str | None = None, now: datetime | None = None) -> Outcome:
    """One device message: `values` maps the device's sensor codes to numbers."""
    return process_batch([Incoming(device, ts, values, site)], now)
