"""Through the machine's real Mosquitto (FINEGRID_TEST_MQTT_URL, default mqtt://127.0.0.1:1883;
.ci/run starts it): a round trip, hostile messages beside good ones, and a consumer that dies
in the middle of a burst without acknowledging — its successor stores every reading once."""

import json
import os
import socket
import threading
import time
import uuid

import pytest
from django.utils import translation

from finegrid.sensing.codec import device_topic, telemetry_topic
from finegrid.sensing.engine import Engine
from finegrid.sensing.models import Alarm, IngestCounter, Reading
from finegrid.sensing.mqtt import Consumer, broker_address, make_client

URL = os.environ.get("FINEGRID_TEST_MQTT_URL", "mqtt://127.0.0.1:1883")
# The machine's broker is shared: each test run (each pytest-xdist worker) has a topic root of its
# own (testenv.py), and these tests run on one worker, in turn.
# The consumers store from threads of their own, which commit outside a test's transaction: every
# test here starts from emptied tables (transaction=True), whatever order the worker runs them in.
pytestmark = [pytest.mark.xdist_group("shared-mosquitto"), pytest.mark.django_db(transaction=True)]


@pytest.fixture
def broker():
    with socket.socket() as probe:
        if probe.connect_ex(broker_address(URL)) != 0:
            if os.environ.get("CI"):
                pytest.fail(f"no MQTT broker at {URL}")
            pytest.skip(f"no MQTT broker at {URL}")
    return URL


@pytest.fixture
def client_id():
    """A fresh persistent session per test, wiped afterwards."""
    name = f"finegrid-test-{uuid.uuid4().hex[:8]}"
    yield name
    wipe, properties = make_client(name)
    wipe.connect(*broker_address(URL), clean_start=True, properties=properties)
    wipe.disconnect()


def publisher():
    client, properties = make_client()
    client.connect(*broker_address(URL), properties=properties)
    client.loop_start()
    return client


def now_ms() -> int:
    return int(time.time() * 1000)


def run_until(consumer: Consumer, work, quiet: float = 1.5, limit: float = 60, expect: int = 0) -> None:
    """Runs the consumer in this thread (the test database's) while `work` runs in another,
    then until it has taken `expect` messages and none has arrived for `quiet` seconds. The count
    matters on a loaded machine: a message that opens a case can keep the consumer busy for
    longer than `quiet`, and the quiet alone would stop it with messages still queued."""
    stopping = threading.Event()

    def drive():
        consumer.connected.wait(20)
        work()
        seen, still = -1, time.monotonic()
        while time.monotonic() < started + limit and (
                time.monotonic() - still < quiet or consumer.stats["messages"] < expect):
            if consumer.stats["messages"] != seen:
                seen, still = consumer.stats["messages"], time.monotonic()
            time.sleep(0.1)
        stopping.set()

    started = time.monotonic()
    threading.Thread(target=drive, daemon=True).start()
    consumer.run(stopping)


def test_round_trip_stores_readings_raises_alarms_and_counts_rejects(engine, station, broker, client_id):
    consumer = Consumer(broker, client_id, engine=engine, tick_every=3600, threads=False)
    events, listener = [], make_client()[0]
    listener.on_message = lambda c, u, m: events.append(json.loads(m.payload))
    listener.connect(*broker_address(broker))
    listener.subscribe(device_topic("gs1", "d1", "alarm"), qos=1)
    listener.loop_start()
    topic = telemetry_topic("gs1", "d1")

    def work():
        pub = publisher()
        base = now_ms() - 1000
        for i in range(200):
            pub.publish(topic, json.dumps({"ts": base - 200 + i, "values": {"ch4": 0.5, "o2": 20.9}}), qos=1)
        pub.publish(topic, json.dumps({"ts": base, "values": {"ch4": 31.0}}), qos=1)
        pub.publish(topic, b'{"ts": %d, "values": {"ch4": NaN}}' % base, qos=1)
        pub.publish(topic, b"\x00garbage", qos=1)
        pub.publish(telemetry_topic("gs1", "nope"), json.dumps({"ts": base, "values": {"ch4": 1}}), qos=1)
        pub.publish(telemetry_topic("gs1", "d1") + "/extra", b"{}", qos=1)  # not our topic: never delivered
        pub.loop_stop()

    run_until(consumer, work, expect=204)  # 200 + the leak + NaN + garbage + the unknown device
    engine.flush()
    assert Reading.objects.count() == 401
    with translation.override("zh-hans"):  # rendered in the reader's language when shown
        assert Alarm.objects.get().text == "可燃气体（甲烷） 31 %LEL，达到或超过 25"
    counters = dict(IngestCounter.objects.values_list("name", "value"))
    assert counters["rejected:bad_json"] == 1 and counters["rejected:unknown_device"] == 1
    assert counters["rejected:bad_value"] == 1
    time.sleep(0.5)
    listener.loop_stop()
    assert [e["action"] for e in events] == ["raise"] and events[0]["severity"] == "orange"


def test_a_consumer_that_dies_mid_burst_loses_nothing_and_stores_nothing_twice(station, broker, client_id):
    topic = telemetry_topic("gs1", "d1")
    total, base = 600, now_ms() - 60_000
    # Every 100th message is a leak, the next one its end: exactly 6 alarms, whatever is redelivered.
    messages = [json.dumps({"ts": base + i * 10, "values": {
        "ch4": 30.0 if i % 100 == 50 else 0.4, "co": 1.0, "h2s": 0.1, "o2": 20.9}}) for i in range(total)]
    first = Consumer(broker, client_id, engine=Engine(), tick_every=3600, threads=False)

    def burst_and_die():
        pub = publisher()
        for message in messages[:300]:
            pub.publish(topic, message, qos=1)
        while first.stats["messages"] < 150:
            time.sleep(0.01)
        first.client.ack = lambda *args: None  # from here on stored, but never acknowledged
        time.sleep(0.3)
        first.client.loop_stop()  # the process dies: no DISCONNECT, no more acks
        first.client.socket().close()
        for message in messages[300:]:
            pub.publish(topic, message, qos=1)  # the broker queues these for the dead session
        pub.loop_stop()
        time.sleep(0.3)

    stopping = threading.Event()
    threading.Thread(target=lambda: (first.connected.wait(20), burst_and_die(), stopping.set()), daemon=True).start()
    first.client.disconnect = lambda *a, **k: None
    first.run(stopping)
    stored_before = Reading.objects.count()
    assert 0 < stored_before < total * 4

    second = Consumer(broker, client_id, engine=Engine(), tick_every=3600, threads=False)
    run_until(second, lambda: None)
    assert Reading.objects.count() == total * 4
    assert Alarm.objects.count() == 6 and all(a.count == 1 for a in Alarm.objects.all())


def test_a_message_the_engine_cannot_take_is_dropped_and_counted_the_rest_go_on(engine, station, monkeypatch):
    from finegrid.sensing.engine import Incoming

    consumer = Consumer(URL, "unused", engine=engine, threads=False)
    acked = []
    monkeypatch.setattr(consumer.client, "ack", lambda mid, qos: acked.append(mid))
    real = engine.evaluate

    def fragile(items, now=None):
        if any(item.values.get("ch4") == 13 for item in items):
            raise RuntimeError("a bug this message trips")
        return real(items, now)

    monkeypatch.setattr(engine, "evaluate", fragile)
    ts = now_ms()
    batch = [(1, 1, [Incoming("d1", ts, {"ch4": 1.0})]), (2, 1, [Incoming("d1", ts + 1, {"ch4": 13})]),
             (3, 1, [Incoming("d1", ts + 2, {"ch4": 2.0})])]
    consumer._handle(batch, threading.Event())
    engine.flush()
    assert acked == [1, 2, 3] and Reading.objects.count() == 2
    assert IngestCounter.objects.get(name="rejected:error").value == 1


def test_a_batch_holds_a_bounded_number_of_readings_whatever_its_messages(engine, station):
    from finegrid.sensing.engine import Incoming
    from finegrid.sensing.mqtt import BATCH_READINGS

    consumer = Consumer(URL, "unused", engine=engine, threads=False)
    buffer = [Incoming("d1", now_ms() + i, {"ch4": 1.0, "o2": 20.9}) for i in range(500)]  # 1,000 readings
    for mid in range(10):
        consumer.pending.put((mid, 1, buffer))
    assert len(consumer._take(timeout=0.1)) == BATCH_READINGS // 1000


def test_a_tick_that_takes_long_holds_no_alarm_back_from_its_case(client_id):
    """The tick (offline checks, escalation) runs in a thread of its own: an alarm that needs a
    case is handed to the case process while a tick is still running. (On the bench one tick of
    0.85 s, in the casework thread then, was the case p99 one run in two.)"""
    consumer = Consumer(URL, client_id, engine=Engine(), tick_every=0.01)
    ticking, release, handed = threading.Event(), threading.Event(), []

    def a_tick_that_waits():
        ticking.set()
        release.wait(10)

    consumer._tick = a_tick_that_waits
    consumer.cases.open = handed.append  # what the consumer hands over, not the child's work
    threads = [threading.Thread(target=step, args=(None,)) for step in (consumer._casework, consumer._ticks)]
    for thread in threads:
        thread.start()
    try:
        assert ticking.wait(5)
        consumer.casework.put(["an alarm"])
        deadline = time.monotonic() + 5
        while not handed and time.monotonic() < deadline:
            time.sleep(0.01)
        assert handed == [["an alarm"]] and not release.is_set()
    finally:
        release.set()
        consumer.stopped.set()
        consumer.casework.put(None)
        for thread in threads:
            thread.join(5)
    assert not any(thread.is_alive() for thread in threads)
