"""The MQTT consumer. It subscribes to ``finegrid/+/+/telemetry`` with QoS 1 on a persistent
session (a fixed client id, clean start off, a session that outlives the connection) and
acknowledges a message only once its batch is committed: a consumer killed at any moment gets
from the broker what it had not stored, and the readings' unique key drops what it had.

The paho callback only decodes and queues; one thread takes the queue in batches, calls
`Engine.process`, then acknowledges. paho reconnects by itself when the broker restarts.
Alarm and case events go back out on ``finegrid/{site}/{device}/alarm`` and ``…/case``."""

import json
import logging
import queue
import threading
import time
from urllib.parse import unquote, urlsplit

import paho.mqtt.client as mqtt
from django.db import InterfaceError, OperationalError, close_old_connections
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from .codec import TELEMETRY, Rejected, decode_message
from .engine import Engine, default_engine
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
    def __init__(self, url: str, client_id: str, engine: Engine | None = None, batch: int = 5000,
                 tick_every: float = INTERVAL_S):
        self.engine = engine or default_engine()
        self.host, self.port = broker_address(url)
        self.batch, self.tick_every = batch, tick_every
        self.pending: queue.SimpleQueue = queue.SimpleQueue()
        self.connected = threading.Event()
        self.stats = {"messages": 0, "batches": 0}
        self.client, self.properties = make_client(client_id, persistent=True, login=broker_login(url))
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_message = self._on_message
        self.client.on_subscribe = self._on_subscribe
        self.engine.listeners.append(self._publish_event)

    # -- paho's thread: decode and queue, nothing else ---------------------------------------

    def _on_connect(self, client, userdata, flags, reason_code, properties):
        if reason_code.is_failure:
            logger.warning("broker refused the connection: %s", reason_code)
            return
        client.subscribe(TELEMETRY, qos=1)
        logger.info("connected to %s:%s (session present: %s)", self.host, self.port, flags.session_present)

    def _on_subscribe(self, client, userdata, mid, reason_codes, properties):
        # Connected means receiving: only once the broker has the subscription does it keep what
        # devices publish for us. After a broker that lost its sessions comes back, the messages
        # published between the CONNACK and the SUBACK went to nobody (seen in a test as 99 of 100).
        if any(code.is_failure for code in reason_codes):
            logger.error("the broker refused the subscription to %s: %s", TELEMETRY, reason_codes)
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

    # -- the processing thread -------------------------------------------------------------

    def run(self, stopping: threading.Event) -> None:
        self.client.connect_async(self.host, self.port, keepalive=30, clean_start=False, properties=self.properties)
        self.client.loop_start()
        ticked = time.monotonic()
        try:
            while not stopping.is_set():
                batch = self._take(timeout=0.2)
                if batch:
                    self._handle(batch, stopping)
                if time.monotonic() - ticked >= self.tick_every:
                    ticked = time.monotonic()
                    self._tick()
        finally:
            self.client.disconnect()
            self.client.loop_stop()

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
        items = []
        for _, _, decoded in batch:
            if isinstance(decoded, str):
                self.engine.count(decoded)
            else:
                items.extend(decoded)
        while True:
            try:
                self.engine.process(items)
                break
            except DATABASE_AWAY:  # keep the batch, unacknowledged, and retry
                logger.exception("storing a batch of %d messages failed; retrying", len(batch))
                close_old_connections()
                if stopping.wait(1):
                    return  # not acknowledged: the broker delivers these again after a restart
            except Exception:  # something in the batch the engine cannot take: find it, go on
                logger.exception("a batch of %d messages failed; taking them one by one", len(batch))
                self._one_by_one(batch)
                break
        for mid, qos, _ in batch:
            self.client.ack(mid, qos)
        self.stats["messages"] += len(batch)
        self.stats["batches"] += 1

    def _one_by_one(self, batch: list) -> None:
        for _, _, decoded in batch:
            if isinstance(decoded, str):
                continue
            try:
                self.engine.process(decoded)
            except DATABASE_AWAY:
                raise
            except Exception:
                logger.exception("a message the engine cannot take was dropped")
                self.engine.count("error")

    def _tick(self) -> None:
        close_old_connections()
        try:
            done = tick(engine=self.engine)
            if any(done.values()):
                logger.info("sensing tick: %s", " ".join(f"{k}={v}" for k, v in done.items()))
        except Exception:
            logger.exception("sensing tick failed")

    def _publish_event(self, event: dict) -> None:
        device = self.engine.registry.by_id.get(event["device_id"])
        if device is None:
            return
        topic = f"finegrid/{device.site_code}/{device.code}/{event['event']}"
        self.client.publish(topic, json.dumps(event, ensure_ascii=False, default=str), qos=1)


def _size(queued) -> int:
    """The measurements of a queued message (a rejected one counts as one)."""
    decoded = queued[2]
    return 1 if isinstance(decoded, str) else sum(len(item.values) if isinstance(item.values, dict) else 1
                                                  for item in decoded)
