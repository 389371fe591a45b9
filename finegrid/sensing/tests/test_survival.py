"""What the ingest must survive, with real processes and a real Mosquitto of our own (so the
broker can be restarted, and queues without the machine broker's 1,000-message limit):
the consumer killed with SIGKILL in the middle of a burst, and the broker restarted."""

import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from finegrid.sensing.codec import telemetry_topic
from finegrid.sensing.models import Reading
from finegrid.sensing.mqtt import Consumer, make_client

MOSQUITTO = shutil.which("mosquitto") or ("/usr/sbin/mosquitto" if os.path.exists("/usr/sbin/mosquitto") else None)
pytestmark = pytest.mark.skipif(MOSQUITTO is None and not os.environ.get("CI"), reason="no mosquitto binary")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Broker:
    def __init__(self, folder: Path):
        self.port = free_port()
        self.conf = folder / "mosquitto.conf"
        self.conf.write_text(f"listener {self.port} 127.0.0.1\nallow_anonymous true\npersistence false\n"
                             "max_queued_messages 0\n")
        self.process = None

    @property
    def url(self) -> str:
        return f"mqtt://127.0.0.1:{self.port}"

    def start(self):
        self.process = subprocess.Popen([MOSQUITTO, "-c", str(self.conf)], stderr=subprocess.DEVNULL)
        wait_for(lambda: socket.socket().connect_ex(("127.0.0.1", self.port)) == 0, 10)
        return self

    def stop(self):
        self.process.terminate()
        self.process.wait(10)


def wait_for(condition, seconds: float) -> bool:
    ends = time.monotonic() + seconds
    while time.monotonic() < ends:
        if condition():
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def broker(tmp_path):
    broker = Broker(tmp_path).start()
    yield broker
    if broker.process.poll() is None:
        broker.stop()


def publish_all(url: str, messages: list[tuple[str, str]]) -> None:
    client, properties = make_client()
    client.max_queued_messages_set(0)
    host, port = url[7:].split(":")
    client.connect(host, int(port), properties=properties)
    client.loop_start()
    infos = [client.publish(topic, payload, qos=1) for topic, payload in messages]
    for info in infos:
        info.wait_for_publish(30)  # the broker has it (PUBACK)
    client.disconnect()
    client.loop_stop()


def test_the_consumer_reconnects_by_itself_after_a_broker_restart(engine, station, broker):
    consumer = Consumer(broker.url, "restart-test", engine=engine, tick_every=3600)
    topic, base = telemetry_topic("gs1", "d1"), int(time.time() * 1000) - 10_000
    batch = lambda start: [(topic, json.dumps({"ts": base + i, "values": {"ch4": 0.5}})) for i in range(start, start + 50)]
    stopping = threading.Event()

    def work():
        consumer.connected.wait(20)
        publish_all(broker.url, batch(0))
        wait_for(lambda: consumer.stats["messages"] >= 50, 20)
        broker.stop()
        wait_for(lambda: not consumer.connected.is_set(), 10)
        broker.start()
        assert consumer.connected.wait(30), "the consumer did not come back"
        publish_all(broker.url, batch(50))
        wait_for(lambda: consumer.stats["messages"] >= 100, 20)
        stopping.set()

    threading.Thread(target=work, daemon=True).start()
    consumer.run(stopping)
    assert Reading.objects.count() == 100


REGISTER = """
import django, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "finegrid.settings")
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from finegrid.sensing.models import Device, Sensor, Site
site = Site.objects.create(code="s1", name="站点", kind="hazchem", lon=119.4, lat=32.4)
device = Device.objects.create(site=site, code="d1")
for kind in ("ch4", "co", "h2s", "o2"):
    Sensor.objects.create(device=device, code=kind, kind=kind)
"""


def test_sigkill_in_the_middle_of_a_burst_loses_nothing_and_stores_nothing_twice(broker, tmp_path):
    env = {**os.environ, "FINEGRID_DEMO": "1", "FINEGRID_DATA_DIR": str(tmp_path), "FINEGRID_LOG_LEVEL": "WARNING",
           "FINEGRID_SENSING_CASE_LEVEL": "red"}
    env.pop("FINEGRID_DATABASE_URL", None)
    subprocess.run([sys.executable, "-c", REGISTER], env=env, check=True, timeout=120)
    database = tmp_path / "finegrid.sqlite3"

    def count(table="sensing_reading") -> int:
        with sqlite3.connect(database, timeout=20) as connection:
            return connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]

    consume = [sys.executable, "-m", "finegrid.cli", "ingest-mqtt", "--broker", broker.url, "--client-id", "kill-test",
               "--batch", "200"]
    topic, base, total = telemetry_topic("s1", "d1"), int(time.time() * 1000) - 120_000, 4000
    # A leak every 200 messages, over at the next one: exactly 20 threshold alarms however often a
    # message comes (the rate rule adds its own once 30 s of history are in).
    messages = [(topic, json.dumps({"ts": base + i * 10, "values": {
        "ch4": 30.0 if i % 200 == 100 else 0.4, "co": 1.0, "h2s": 0.1, "o2": 20.9}})) for i in range(total)]
    consumer = subprocess.Popen(consume, env=env)
    try:
        # Until the consumer has subscribed nothing is kept for it: repeat the first message (it is
        # stored once however often it comes) until it is in.
        assert wait_for(lambda: publish_all(broker.url, messages[:1]) or wait_for(lambda: count() == 4, 0.5), 60)
        burst = threading.Thread(target=publish_all, args=(broker.url, messages[1:]))
        burst.start()
        assert wait_for(lambda: count() >= 4000, 60)
        consumer.send_signal(signal.SIGKILL)  # in the middle of the burst
        consumer.wait(10)
        killed_at = count()
        burst.join(120)
        consumer = subprocess.Popen(consume, env=env)
        assert wait_for(lambda: count() == total * 4, 120), f"stored {count()} of {total * 4}"
        time.sleep(1)
    finally:
        consumer.terminate()
        consumer.wait(30)
    assert killed_at < total * 4  # it really died with work left
    assert count() == total * 4
    with sqlite3.connect(database) as connection:
        counts = [row[0] for row in connection.execute("SELECT count FROM sensing_alarm WHERE rule = 'threshold'")]
    assert counts == [1] * 20  # no reading evaluated twice
