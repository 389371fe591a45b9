"""The MQTT consumer. It subscribes to ``finegrid/+/+/telemetry`` (``finegrid`` being
FINEGRID_MQTT_TOPIC_ROOT) with QoS 1 on a persistent session (a fixed client id, clean start off,
a session that outlives the connection) and acknowledges a message only once its readings are committed: a consumer killed at any moment gets
from the broker what it had not stored, and the readings' unique key drops what it had.

The paho callback only decodes and queues. The rules' thread takes the queue in batches, evaluates
them (`Engine.evaluate`: the alarms committed and published at once); a storage thread writes the
readings behind it (`Engine.store`) and then acknowledges; a third hands the alarms that need a
case to the case process (caseworker.py) and runs the tick.
With both cores busy, p99 publish → alarm on PostgreSQL was seconds while each alarm waited for its
batch's readings, the devices' counts and the cases before it. paho reconnects by itself when the
broker restarts.
Alarm and case events go back out on ``finegrid/{site}/{device}/alarm`` and ``…/case``."""

import json
import logging
import queue
import sys
import threading
import time
from urllib.parse import unquote, urlsplit

import paho.mqtt.client as mqtt
from django.conf import settings
from django.db import InterfaceError, OperationalError, close_old_connections, connection
from django.db.backends.signals import connection_created
from django.utils import timezone
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from .caseworker import CaseWorker
from .codec import Rejected, decode_message, device_topic, telemetry_topic
from .engine import Engine, default_engine
from .heap import freeze_heap
from .priority import prioritise_backend
from .tick import INTERVAL_S, tick

logger = logging.getLogger("finegrid.sensing.mqtt")

SESSION_EXPIRY_S = 7 * 24 * 3600  # the broker keeps the queue for a week without us
DATABASE_AWAY = (OperationalError, InterfaceError)  # retried for ever; anything else is one message's fault
RECEIVE_MAXIMUM = 10_000  # QoS 1 messages in flight to us, unacknowledged (MQTT 5 Receive Maximum)
# Readings per transaction, whatever the message count: an alarm waits for its whole batch, and
# 5,000 gateway buffers of 16 readings took seconds to store after a moment of falling behind.
BATCH_READINGS = 4000


def broker_address(url: str) -> tuple[str, int]:
    parts = urlsplit(url if "://" in url else f"mqtt://{url}")
    return parts.hostname or "127.0.0.1", parts.port or 1883


def broker_login(url: str) -> tuple[str, str] | None:
    """mqtt://user:password@host:port → (user, password); None without a user."""
    parts = urlsplit(url if "://" in url else f"mqtt://{url}")
    return (unquote(parts.username), unquote(parts.password or "")) if parts.username else None


def make_client(client_id: str = "", persistent: bool = False, receive_maximum: int = RECEIVE_MAXIMUM,
                login: tuple[str, str] | None = None):
    """A paho client speaking MQTT 5; `persistent` asks for a session the broker keeps; `login`
    is the broker's user and password (broker.py: the ingest's, or a device's code and token)."""
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv5,
                         manual_ack=persistent)
    if login:
        client.username_pw_set(*login)
    client.reconnect_delay_set(min_delay=1, max_delay=10)
    properties = Properties(PacketTypes.CONNECT)
    if persistent:
        properties.SessionExpiryInterval = SESSION_EXPIRY_S
    properties.ReceiveMaximum = receive_maximum
    return client, properties


class Consumer:
    """Four threads besides paho's, each with its own database connection, so nothing slow stands
    before an alarm: the rules (the caller's thread, `run`) evaluate what arrives and commit the
    alarm changes, then publish them; storage writes the evaluated readings in batches behind
    them and only then acknowledges the messages; casework hands the alarms that need a case to
    the case process (`CaseWorker`, which opens them in this thread if the process is down); the
    tick runs the sensing tick (in casework's thread, a tick of 0.85 s held the alarms behind it
    back: the bench's case p99 was that tick, one run in two). `threads=False` runs the steps one
    after the other in the caller's thread (a test inside one database transaction)."""

    def __init__(self, url: str, client_id: str, engine: Engine | None = None, batch: int = 5000,
                 tick_every: float = INTERVAL_S, threads: bool = True):
        self.engine = engine or default_engine()
        self.host, self.port = broker_address(url)
        self.batch, self.tick_every, self.threads = batch, tick_every, threads
        self.pending: queue.SimpleQueue = queue.SimpleQueue()  # decoded messages, for the rules
        self.evaluated: queue.SimpleQueue = queue.SimpleQueue()  # (messages, [Evaluated]), for storage
        self.casework: queue.SimpleQueue = queue.SimpleQueue()  # alarms that need a case
        self.connected = threading.Event()
        self.stopped = threading.Event()  # set when `run` ends: the tick's thread stops
        self.stats = {"messages": 0, "batches": 0}
        self.client, self.properties = make_client(client_id, persistent=True, login=broker_login(url))
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_message = self._on_message
        self.client.on_subscribe = self._on_subscribe
        self.engine.listeners.append(self._publish_event)
        # With threads, cases are opened by a process of their own, off the rules' interpreter lock.
        self.cases = CaseWorker(url, self._open_cases) if threads else None
        if threads:
            self.engine.keep_alarmed()

    # -- paho's thread: decode and queue, nothing else ---------------------------------------

    def _on_connect(self, client, userdata, flags, reason_code, properties):
        if reason_code.is_failure:
            logger.warning("broker refused the connection: %s", reason_code)
            return
        client.subscribe(telemetry_topic("+", "+"), qos=1)
        logger.info("connected to %s:%s (session present: %s)", self.host, self.port, flags.session_present)

    def _on_subscribe(self, client, userdata, mid, reason_codes, properties):
        # Connected means receiving: only once the broker has the subscription does it keep what
        # devices publish for us. After a broker that lost its sessions comes back, the messages
        # published between the CONNACK and the SUBACK went to nobody (seen in a test as 99 of 100).
        if any(code.is_failure for code in reason_codes):
            logger.error("the broker refused the subscription to %s: %s", telemetry_topic("+", "+"), reason_codes)
            return
        self.connected.set()

    def _on_disconnect(self, client, userdata, flags, reason_code, properties):
        self.connected.clear()
        logger.warning("disconnected from the broker (%s); reconnecting", reason_code)

    def _on_message(self, client, userdata, message):
        try:
            decoded = decode_message(message.topic, message.payload)
        except Rejected as error:
            decoded = error.reason
        self.pending.put((message.mid, message.qos, decoded))

    # -- the rules' thread -----------------------------------------------------------------

    def run(self, stopping: threading.Event) -> None:
        self.client.connect_async(self.host, self.port, keepalive=30, clean_start=False, properties=self.properties)
        if self.cases:
            self.cases.start()  # its start-up runs beside the state's loading
        self._prepare(stopping)
        steps = ((self._storage, "storage"), (self._casework, "casework"), (self._ticks, "tick"))
        workers = [threading.Thread(target=self._worker, args=(step, name), name=f"ingest-{name}", daemon=True)
                   for step, name in steps] if self.threads else []
        if workers:
            # A thread back from a query waits for the interpreter lock while another computes: at
            # most this long, not the default 5 ms per wait (a rules pass makes several).
            sys.setswitchinterval(SWITCH_INTERVAL_S)
        for worker in workers:
            worker.start()
        if self.cases:
            self.cases.wait_ready()
        self.client.loop_start()
        ticked = time.monotonic()
        try:
            while not stopping.is_set():
                batch = self._take(timeout=0.2)
                if batch:
                    self._handle(batch, stopping)
                if not workers and time.monotonic() - ticked >= self.tick_every:
                    ticked = time.monotonic()
                    self._tick()
        finally:
            self.evaluated.put(STOP)  # storage writes and acknowledges what was evaluated, then stops
            self.casework.put(STOP)
            self.stopped.set()
            for worker in workers:
                worker.join(STOP_WAIT_S)
            if self.cases:
                self.cases.stop()
            self.client.disconnect()
            self.client.loop_stop()

    def _prepare(self, stopping: threading.Event) -> None:
        """The rules' state of every sensor before the first message (a database away: later),
        and the rules' database connection, now and whenever it is made again, at the ingest's
        priority (priority.py)."""
        rules = threading.get_ident()

        def raise_backend(sender, connection, **kwargs):
            if threading.get_ident() == rules and self.threads:
                prioritise_backend(settings.FINEGRID_INGEST_NICE)

        self._raise_backend = raise_backend  # the signal holds it weakly
        connection_created.connect(raise_backend)
        try:
            if self.threads and connection.connection is not None:
                prioritise_backend(settings.FINEGRID_INGEST_NICE)
            self.engine.prepare()
        except DATABASE_AWAY:
            logger.exception("could not read the sensors' state at start; reading it as messages come")
            close_old_connections()
        if self.threads:
            freeze_heap()

    def _take(self, timeout: float) -> list:
        try:
            batch = [self.pending.get(timeout=timeout)]
        except queue.Empty:
            return []
        readings = _size(batch[0])
        while len(batch) < self.batch and readings < BATCH_READINGS:
            try:
                batch.append(self.pending.get_nowait())
            except queue.Empty:
                break
            readings += _size(batch[-1])
        return batch

    def _handle(self, batch: list, stopping: threading.Event) -> None:
        """The rules over a batch: its alarms committed and published, its readings queued for
        storage (and, without threads, stored and acknowledged at once)."""
        items = []
        for _, _, decoded in batch:
            if isinstance(decoded, str):
                self.engine.count(decoded)
            else:
                items.extend(decoded)
        evaluated = _retrying(lambda: [self.engine.evaluate(items)], stopping, "evaluating", len(batch),
                              lambda: self._one_by_one(batch))
        if evaluated is None:
            return  # stopping with the database away: not acknowledged, delivered again after a restart
        for done in evaluated:
            self.engine.tell(done.outcome.changes)
        alarms = [change.alarm for done in evaluated for change in done.outcome.changes if change.needs_case]
        if alarms:
            self.casework.put(alarms)
        self.evaluated.put(([(mid, qos) for mid, qos, _ in batch], evaluated))
        if not self.threads:
            self.evaluated.put(STOP)
            self._storage(stopping)
            self.casework.put(STOP)
            self._casework(stopping)

    def _one_by_one(self, batch: list) -> list:
        evaluated = []
        for _, _, decoded in batch:
            if isinstance(decoded, str):
                continue
            try:
                evaluated.append(self.engine.evaluate(decoded))
            except DATABASE_AWAY:
                raise
            except Exception:
                logger.exception("a message the engine cannot take was dropped")
                self.engine.count("error")
        return evaluated

    # -- the storage thread ----------------------------------------------------------------

    def _worker(self, step, name: str) -> None:
        try:
            step(None)
        except Exception:
            logger.exception("the ingest's %s thread failed", name)
        finally:
            connection.close()  # this thread's own

    def _storage(self, stopping) -> None:
        """Until STOP: the evaluated batches waiting, merged up to BATCH_READINGS readings, stored in
        one transaction, then their messages acknowledged (in the order they came)."""
        while True:
            work, last = _gather(self.evaluated)
            if work:
                messages = [message for done, _ in work for message in done]
                evaluated = [batch for _, batches in work for batch in batches]
                stored = _retrying(lambda: self.engine.store(evaluated), stopping, "storing", len(messages),
                                   lambda: self._store_one_by_one(evaluated))
                if stored is None:
                    return  # not acknowledged: the broker delivers these again after a restart
                self.engine.tell(stored)
                for mid, qos in messages:
                    self.client.ack(mid, qos)
                self.stats["messages"] += len(messages)
                self.stats["batches"] += 1
            if last:
                return

    def _store_one_by_one(self, evaluated: list) -> list:
        changes = []
        for batch in evaluated:
            try:
                changes += self.engine.store([batch])
            except DATABASE_AWAY:
                raise
            except Exception:
                logger.exception("readings the database refused were dropped")
                self.engine.count("error")
        return changes

    # -- the casework thread, and the tick's ------------------------------------------------

    def _casework(self, stopping) -> None:
        while True:
            try:
                alarms = self.casework.get() if self.threads else self.casework.get_nowait()
            except queue.Empty:
                alarms = []
            if alarms is STOP or not alarms and not self.threads:
                return
            if alarms:
                (self.cases.open if self.cases else self._open_cases)(alarms)

    def _ticks(self, stopping) -> None:
        while not self.stopped.wait(self.tick_every):
            self._tick()

    def _open_cases(self, alarms: list) -> None:
        """In this process: without threads (a test), or while no case process can take them."""
        from .casework import open_cases

        if self.threads:  # this thread's own connection; without threads it is the caller's
            close_old_connections()
        self.engine.tell_cases(open_cases(alarms, timezone.now()))

    def _tick(self) -> None:
        close_old_connections()
        try:
            done = tick(engine=self.engine, hand_cases=self.cases.open if self.cases else None)
            if any(done.values()):
                logger.info("sensing tick: %s", " ".join(f"{k}={v}" for k, v in done.items()))
        except Exception:
            logger.exception("sensing tick failed")

    def _publish_event(self, event: dict) -> None:
        device = self.engine.registry.by_id.get(event["device_id"])
        if device is None:
            return
        topic = device_topic(device.site_code, device.code, event["event"])
        self.client.publish(topic, json.dumps(event, ensure_ascii=False, default=str), qos=1)


STOP = None  # on a queue: the thread that takes it stops
STOP_WAIT_S = 60  # how long a stopping consumer waits for storage to write what it evaluated
SWITCH_INTERVAL_S = 0.0005


def _gather(evaluated: queue.SimpleQueue) -> tuple[list, bool]:
    """The evaluated batches waiting (at least one, or STOP), up to BATCH_READINGS readings; and
    whether STOP came."""
    first = evaluated.get()
    if first is STOP:
        return [], True
    work, readings = [first], sum(len(batch.readings) for batch in first[1])
    while readings < BATCH_READINGS:
        try:
            more = evaluated.get_nowait()
        except queue.Empty:
            break
        if more is STOP:
            return work, True
        work.append(more)
        readings += sum(len(batch.readings) for batch in more[1])
    return work, False


def _retrying(attempt, stopping, doing: str, messages: int, fallback):
    """attempt() until the database answers (None if the consumer stops meanwhile); anything
    else is one message's fault: fallback() takes them one by one."""
    while True:
        try:
            return attempt()
        except DATABASE_AWAY:  # keep the batch, unacknowledged, and retry
            logger.exception("%s a batch of %d messages failed; retrying", doing, messages)
            close_old_connections()
            if stopping is not None and stopping.wait(1):
                return None
            if stopping is None:
                time.sleep(1)
        except Exception:
            logger.exception("%s a batch of %d messages failed; taking them one by one", doing, messages)
            return fallback()


def _size(queued) -> int:
    """The measurements of a queued message (a rejected one counts as one)."""
    decoded = queued[2]
    return 1 if isinstance(decoded, str) else sum(len(item.values) if isinstance(item.values, dict) else 1
                                                  for item in decoded)
