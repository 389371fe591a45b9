"""The ingest engine, in two steps that a transport may run in two threads:

1. `evaluate(items)` validates readings and runs each sensor's rules in memory, in time order,
   on the state this process keeps (last values, windows, restored from the database at start),
   and writes the alarm changes in a short transaction of their own — before any reading is
   stored, so an alarm never waits for storage.
2. `store(evaluated)` writes the readings of one or more evaluated batches in one batched INSERT
   that ignores repeats (the unique key (sensor, ts) makes a QoS 1 redelivery harmless), with the
   devices' message counts (sequence.py) and the 报文丢失 alarms they raise, in one transaction.

A crash between the two leaves alarms whose readings are not stored: the broker redelivers the
readings (they were not acknowledged), and the alarm's `last_ts` (the newest reading it was
evaluated on, clearing included) tells a restarted engine they were evaluated already, so they
are stored and not evaluated twice. `process(items)` runs both in the caller's thread (HTTP).

After the commits, alarms at or above the case level become cases, and listeners (the MQTT
consumer publishes alarm events) hear of every change. Everything a transport does is decode
and call this; nothing here knows about MQTT or HTTP."""

import logging
import math
from array import array
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection, transaction
from django.db.models import F, Max
from django.utils import timezone

from . import alarms as alarmbook
from .models import Alarm, Device, IngestCounter, Reading
from .registry import Registry, SensorInfo
from .rules import Context, SensorState
from .sequence import Sequences

logger = logging.getLogger("finegrid.sensing")

FUTURE_MS = 5 * 60 * 1000  # a device clock this far ahead is wrong: the reading is rejected
PAST_MS = 30 * 24 * 3600 * 1000  # a gateway may replay a month of buffered readings, not more
FLUSH_S = 2.0  # how often last-seen times and counters are written
ALARMED_READ_S = 1.0  # how often an engine that keeps the alarmed devices reads them again


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


@dataclass
class Readings:
    """Readings waiting for storage, as three flat arrays (sensor id, ts, value) rather than a
    tuple per reading: a consumer behind on storage holds hundreds of thousands of them, and
    tuples are objects the garbage collector walks on every full collection (each one paused
    the rules for 130–190 ms with 10,000 messages in flight)."""

    sensors: array = field(default_factory=lambda: array("q"))
    stamps: array = field(default_factory=lambda: array("q"))
    values: array = field(default_factory=lambda: array("d"))

    @classmethod
    def of(cls, rows) -> "Readings":
        readings = cls()
        for sensor, ts, value in rows:
            readings.add(sensor.id, ts, value)
        return readings

    def add(self, sensor_id: int, ts: int, value: float) -> None:
        self.sensors.append(sensor_id)
        self.stamps.append(ts)
        self.values.append(value)

    def extend(self, other: "Readings") -> None:
        self.sensors.extend(other.sensors)
        self.stamps.extend(other.stamps)
        self.values.extend(other.values)

    def __len__(self) -> int:
        return len(self.sensors)


@dataclass
class Evaluated:
    """One batch after the rules, before storage: its readings and numbered messages
    (device id, seq, ts) in the order they arrived."""

    readings: Readings
    numbered: list
    devices: set
    outcome: Outcome


class Engine:
    def __init__(self, registry: Registry | None = None):
        self.registry = registry or Registry()
        self.states: dict[int, SensorState] = {}
        self.latest: dict[int, float] = {}  # sensor id → latest value (for combined rules)
        self.counters: Counter = Counter()
        self.seen: dict[int, datetime] = {}  # device id → when its last message arrived
        self.sequences = Sequences()
        self.flushed_at = 0.0
        self.flush_soon = False  # a device came back online: its last-seen time at the next chance
        self.listeners: list = []
        self.alarmed: set[int] | None = None  # devices with an active alarm, if kept (keep_alarmed)
        self.alarmed_read_at: float | None = None  # None: read them before the next batch
        self.lock = threading.Lock()  # `process`: one caller at a time
        self.rules_lock = threading.Lock()  # the rules' state
        self.store_lock = threading.Lock()  # the message counts
        self.tally_lock = threading.Lock()  # counters and last-seen times, shared by both steps
        # The devices' rows: storage's transaction moves their message numbers in one UPDATE (rows
        # in the plan's order), the flush writes their last-seen times (in id order), from the
        # storage thread or the tick's. On PostgreSQL the two deadlocked about once a minute on the
        # bench, and the server broke it only after deadlock_timeout (1 s): storage and the tick stood
        # for 1–2 s each time. One writer at a time in this process.
        self.device_rows_lock = threading.Lock()

    # -- the entry points -------------------------------------------------------------------

    def process(self, items: list[Incoming], now: datetime | None = None) -> Outcome:
        """Both steps in this thread: the alarms committed first, then the readings."""
        now = now or timezone.now()
        with self.lock:
            evaluated = self.evaluate(items, now)
            self.store([evaluated], now)
        self._after(evaluated.outcome, now)
        return evaluated.outcome

    def count(self, reason: str, n: int = 1) -> None:
        """Count a message a transport could not even decode."""
        with self.tally_lock:
            self.counters[f"rejected:{reason}"] += n

    def prepare(self) -> None:
        """The state of every registered sensor and device, before the first message: restored at
        start, so the first batch after a restart is evaluated as fast as any other."""
        if self.registry.loaded_at is None:
            self.registry.load()
        sensors = [s for s in self.registry.sensors.values() if s.id not in self.states]
        with self.rules_lock:
            self._warm(sensors)
        with self.store_lock:
            self.sequences.warm(list(self.registry.by_id))

    def keep_alarmed(self) -> None:
        """Remember which devices have an active alarm, so a batch of devices without one skips
        the look-up of their alarms: at 3,000 messages/s the look-up, once per batch, was a
        quarter of the consumer's time holding the interpreter lock, and usually found nothing.
        What this engine raises and clears it knows at once, and the tick run with it says what
        it raised; what another process raised is read again every ALARMED_READ_S, so an
        offline alarm raised elsewhere is cleared by the device's first message after that. The
        MQTT consumer keeps them; `process` callers (HTTP, tests) look up every batch."""
        self.alarmed, self.alarmed_read_at = set(), None

    def note_alarmed(self, device_ids) -> None:
        """Devices that got an active alarm from somewhere else in this process (the tick)."""
        if self.alarmed is not None and device_ids:
            with self.rules_lock:
                self.alarmed |= set(device_ids)

    def _alarmed_among(self, devices: set) -> set:
        if self.alarmed is None:
            return devices
        if self.alarmed_read_at is None or time.monotonic() - self.alarmed_read_at >= ALARMED_READ_S:
            self.alarmed, self.alarmed_read_at = alarmbook.alarmed_devices(), time.monotonic()
        return devices & self.alarmed

    # -- step 1: the rules, and the alarms in their own transaction ---------------------------

    def evaluate(self, items: list[Incoming], now: datetime | None = None) -> Evaluated:
        now = now or timezone.now()
        outcome = Outcome()
        with self.rules_lock:
            rows, devices, numbered = self._validate(items, now, outcome)
            touched = {row[0].id for row in rows}
            try:
                self._warm([self.registry.sensors[pk] for pk in touched if pk not in self.states])
                outcome.changes = self._evaluate(rows, devices, now, outcome)
            except Exception:
                for pk in touched:  # what this process believed may not be written: read it again
                    self.states.pop(pk, None)
                self.alarmed_read_at = None  # and which devices have alarms (another process raised one?)
                raise
        with self.tally_lock:
            self.counters["accepted"] += outcome.accepted
            self.counters["late"] += outcome.late
            if any(c.action == "clear" and c.alarm.rule == "offline" for c in outcome.changes):
                self.flush_soon = True
        return Evaluated(Readings.of(rows), numbered, devices, outcome)

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
            devices.add(device.id)
            if item.seq is not None:
                numbered.append((device.id, item.seq, ts))  # in the order of arrival, which the count follows
            for code, value in item.values.items():
                sensor = device.sensors.get(code)
                problem = _check_value(sensor, value)
                if problem:
                    outcome.rejected[problem] += 1
                else:
                    rows.append((sensor, ts, float(value)))
        with self.tally_lock:
            for pk in devices:
                self.seen[pk] = now
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

    # -- the rules' state ------------------------------------------------------------------

    def _warm(self, sensors: list[SensorInfo]) -> None:
        """The state of sensors this process has not seen yet: the last timestamp evaluated (the
        newest stored reading, or the newest an alarm was evaluated on if that is later: readings
        evaluated but not yet stored when a process died), so a redelivered reading is not
        evaluated twice after a restart; the latest value and the rate window."""
        for chunk in _chunks(sensors, 500):
            ids = [s.id for s in chunk]
            newest = _newest_readings(ids)
            alarmed = dict(Alarm.objects.filter(sensor_id__in=ids, last_ts__isnull=False).values("sensor_id")
                           .annotate(ts=Max("last_ts")).values_list("sensor_id", "ts"))
            for sensor in chunk:
                stored = newest.get(sensor.id, (-1, None))[0]
                self.states[sensor.id] = SensorState(sensor.horizon_ms, last_ts=max(stored, alarmed.get(sensor.id, -1)))
                if sensor.id in newest:
                    self.latest[sensor.id] = newest[sensor.id][1]
            windowed = [s for s in chunk if s.horizon_ms and s.id in newest]
            if windowed:
                since = min(newest[s.id][0] - s.horizon_ms for s in windowed)
                recent = (Reading.objects.filter(sensor_id__in=[s.id for s in windowed], ts__gte=since)
                          .order_by("ts").values_list("sensor_id", "ts", "value"))
                for pk, ts, value in recent:
                    self.states[pk].history.append((ts, value))

    # -- rules -----------------------------------------------------------------------------

    def _evaluate(self, rows, devices, now, outcome) -> list:
        book = alarmbook.Book.load(self._alarmed_among(devices))
        ctx = Context("", 0, self._peer_values)
        for alarm in list(book.offline.values()):  # a message arrived: the device is back
            book.clear(alarm, now, None)
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
        if not book.changed:
            return []
        with transaction.atomic():  # short, synchronous, and before the readings: the alarm first
            changes = book.save()
        if self.alarmed is not None:
            self.alarmed = (self.alarmed - devices) | book.alarmed_devices()
        return changes

    def _peer_values(self, sensor: SensorInfo, ref: str) -> list[float]:
        """The latest values of other sensors at `sensor`'s site: "other:KIND" or "DEVICE/CODE"."""
        site = self.registry.by_site.get(sensor.device.site_id, [])
        if ref.startswith("other:"):
            found = [s for s in site if s.kind.code == ref[6:] and s.id != sensor.id]
        else:
            device, _, code = ref.partition("/")
            found = [s for s in site if s.device.code == device and s.code == code]
        return [self.latest[s.id] for s in found if s.id in self.latest]

    # -- step 2: storage, behind the rules -------------------------------------------------

    def store(self, batches: list[Evaluated], now: datetime | None = None) -> list:
        """The readings and message counts of evaluated batches, in one transaction (a consumer
        behind on storage writes bigger batches, not more of them); returns the loss alarms'
        changes. Each batch's outcome gets its `lost` count."""
        now = now or timezone.now()
        readings = Readings()
        for batch in batches:
            readings.extend(batch.readings)
        numbered = [message for batch in batches for message in batch.numbered]
        counted = {device_id for device_id, _, _ in numbered}
        with self.store_lock:
            try:
                gaps = self._count(numbered, counted)
                with self.device_rows_lock, transaction.atomic():
                    _store(readings)
                    self.sequences.save(gaps)
                    changes = self._note_losses(gaps, set().union(*(b.devices for b in batches)), now)
            except Exception:
                self.sequences.forget(counted)
                raise
        lost = Counter()
        for gap in gaps:
            lost[gap.device_id] += gap.size
        for batch in batches:  # a device's gaps belong to the batch its messages came in
            batch.outcome.lost = sum(lost.pop(pk, 0) for pk in {pk for pk, _, _ in batch.numbered})
        with self.tally_lock:
            self.counters["lost"] += sum(gap.size for gap in gaps)
        if batches:
            batches[-1].outcome.changes.extend(changes)
        self._flush_if_due(now)
        return changes

    def _count(self, numbered, counted) -> list:
        """The gaps in the devices' message numbers (in memory; saved with the readings)."""
        if not numbered:
            return []
        self.sequences.warm(counted)
        return [gap for device_id, seq, ts in numbered if (gap := self.sequences.advance(device_id, seq, ts))]

    def _note_losses(self, gaps, arrived, now) -> list:
        """Raise or add to the devices' 报文丢失 alarms (and clear those whose count stayed whole),
        with the counts that found them."""
        book = alarmbook.Book.load(arrived, rule=alarmbook.LOST) if arrived else alarmbook.Book([])
        book.note_losses(gaps, self.registry.by_id, arrived, now)
        return book.save() if book.changed else []

    # -- after the commits -----------------------------------------------------------------

    def _after(self, outcome: Outcome, now: datetime) -> None:
        from .casework import open_cases

        self.tell(outcome.changes)  # the alarms first: a case takes a few queries more
        outcome.cases = open_cases([c.alarm for c in outcome.changes if c.needs_case], now)
        self.tell_cases(outcome.cases)

    def tell(self, changes) -> None:
        for listener in self.listeners:
            for change in changes:
                _call(listener, change.event())

    def tell_cases(self, alarms) -> None:
        for listener in self.listeners:
            for alarm in alarms:
                _call(listener, alarmbook.case_event(alarm))

    def _flush_if_due(self, now: datetime, force: bool = False) -> None:
        with self.tally_lock:
            if not (force or self.flush_soon) and time.monotonic() - self.flushed_at < FLUSH_S:
                return
            self.flushed_at, self.flush_soon = time.monotonic(), False
            seen, self.seen = self.seen, {}
            counters, self.counters = self.counters, Counter()
        if seen:
            adapt = connection.ops.adapt_datetimefield_value
            with self.device_rows_lock, connection.cursor() as cursor:
                cursor.executemany(f"UPDATE {Device._meta.db_table} SET last_seen_at = %s WHERE id = %s",
                                   [(adapt(at), pk) for pk, at in sorted(seen.items())])
        for name, value in counters.items():
            if value and not IngestCounter.objects.filter(name=name).update(value=F("value") + value):
                counter, created = IngestCounter.objects.get_or_create(name=name, defaults={"value": value})
                if not created:
                    IngestCounter.objects.filter(name=name).update(value=F("value") + value)

    def flush(self) -> None:
        self._flush_if_due(timezone.now(), force=True)


def _store(readings: Readings) -> None:
    if not readings:
        return
    table = Reading._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One statement for the whole batch: Django's client-side cursor would send an
            # executemany row by row, a round trip each. Each column goes as one array literal
            # made in C ("{1,2,3}"; a float's str is its shortest exact form): as Python lists,
            # psycopg quoted every element in Python, 12,000 a second, holding the interpreter lock.
            cursor.execute(
                f"INSERT INTO {table} (sensor_id, ts, value) SELECT * FROM unnest(%s::bigint[], %s::bigint[], "
                "%s::float8[]) ON CONFLICT (sensor_id, ts) DO NOTHING",
                [_array_literal(readings.sensors), _array_literal(readings.stamps), _array_literal(readings.values)])
        else:
            cursor.executemany(f"INSERT OR IGNORE INTO {table} (sensor_id, ts, value) VALUES (%s, %s, %s)",
                               list(zip(readings.sensors, readings.stamps, readings.values)))


def _array_literal(numbers: array) -> str:
    return "{" + ",".join(map(str, numbers)) + "}"


def _newest_readings(ids: list[int]) -> dict[int, tuple[int, float]]:
    """sensor id → (ts, value) of its newest stored reading: one index probe per sensor."""
    if not ids:
        return {}
    table = Reading._meta.db_table
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT r.sensor_id, r.ts, r.value FROM {table} r JOIN (SELECT sensor_id, MAX(ts) AS ts "
                       f"FROM {table} WHERE sensor_id IN ({marks}) GROUP BY sensor_id) m "
                       "ON m.sensor_id = r.sensor_id AND m.ts = r.ts", ids)
        return {pk: (ts, value) for pk, ts, value in cursor.fetchall()}


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
