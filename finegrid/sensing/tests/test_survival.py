"""What the ingest must survive, with real processes and a real Mosquitto of our own (so the
broker can be restarted): the consumer killed with SIGKILL in the middle of a burst and the broker
restarted, with the configuration `finegrid broker-config` ships (nothing lost, nothing twice), and
with Mosquitto's defaults (the loss is seen in the devices' message numbers, and its size said)."""

import json
import os
import pwd
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
from finegrid.sensing.models import Device, Reading
from finegrid.core.scratch import copy_of_the_test_database, throwaway_database
from finegrid.sensing.mqtt import Consumer, broker_address, make_client

MOSQUITTO = shutil.which("mosquitto") or ("/usr/sbin/mosquitto" if os.path.exists("/usr/sbin/mosquitto") else None)
pytestmark = pytest.mark.skipif(MOSQUITTO is None and not os.environ.get("CI"), reason="no mosquitto binary")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Broker:
    """A Mosquitto of the test's own; `settings` (after the listener) default to Mosquitto's defaults."""

    def __init__(self, folder: Path, settings: str = "allow_anonymous true\n", port: int = 0, conf: Path | None = None):
        self.port = port or free_port()
        self.conf = conf or folder / "mosquitto.conf"
        if conf is None:
            self.conf.write_text(f"listener {self.port} 127.0.0.1\n{settings}")
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
    broker = Broker(tmp_path, "allow_anonymous true\npersistence false\nmax_queued_messages 0\n").start()
    yield broker
    if broker.process.poll() is None:
        broker.stop()


def publish_all(url: str, messages: list[tuple[str, str]], login=None) -> list:
    """Publishes with QoS 1 and waits for every PUBACK; their reason codes, in order."""
    client, properties = make_client(login=login)
    client.max_queued_messages_set(0)
    acked = {}
    client.on_publish = lambda c, u, mid, reason, props: acked.__setitem__(mid, reason)
    client.connect(*broker_address(url), properties=properties)
    client.loop_start()
    infos = [client.publish(topic, payload, qos=1) for topic, payload in messages]
    for info in infos:
        info.wait_for_publish(30)  # the broker has it (PUBACK)
    client.disconnect()
    client.loop_stop()
    return [acked.get(info.mid) for info in infos]


def test_the_consumer_reconnects_by_itself_after_a_broker_restart(engine, station, broker):
    consumer = Consumer(broker.url, "restart-test", engine=engine, tick_every=3600, threads=False)
    topic, base = telemetry_topic("gs1", "d1"), int(time.time() * 1000) - 10_000
    batch = lambda start: [(topic, json.dumps({"seq": i, "ts": base + i, "values": {"ch4": 0.5}}))
                           for i in range(start, start + 50)]
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
    # This broker forgets sessions when it stops: the messages published between the consumer's
    # CONNACK and its SUBACK reached nobody while `connected` was set at the CONNACK (99 of 100).
    assert Device.objects.get().lost_messages == 0
    assert Reading.objects.count() == 100




# -- the shipped configuration, and Mosquitto's defaults, with a consumer that is SIGKILLed -------

REGISTER = """
import django, io, json, sys
django.setup()
from django.core.management import call_command
if sys.argv[4] == "migrate":
    call_command("migrate", verbosity=0)
from finegrid.sensing.models import Device, Sensor, Site
for site_code, devices in (("s1", ("d1", "d2")), ("s2", ("d3",))):
    site = Site.objects.create(code=site_code, name="站点", kind="hazchem", lon=119.4, lat=32.4)
    for code in devices:
        device = Device.objects.create(site=site, code=code)
        for kind in ("ch4", "co", "h2s", "o2"):
            Sensor.objects.create(device=device, code=kind, kind=kind)
out = io.StringIO()
call_command("device_token", "d1", stdout=out, stderr=io.StringIO())
folder, port, user = sys.argv[1:4]
call_command("broker_config", out=folder, port=int(port), bind="127.0.0.1", user=user,
             ingest_password="ingest-secret", stdout=io.StringIO(), stderr=io.StringIO())
print(json.dumps({"token": out.getvalue().strip()}))
"""
TOTAL = 2000  # messages of 4 readings: twice what Mosquitto's default queue keeps
DEFAULTS_TOTAL = 1200  # enough past the default queue's 1,000 for a loss; the size is what is checked


class Child:
    """The world of the processes under test: a throwaway database (of the suite's kind) with two
    sites of four-gas detectors (s1: d1 with its token and d2; s2: d3), read here by plain SQL.
    Made once for the module: migrating it is most of a test's time."""

    def __init__(self, env: dict, folder: Path, migrated: bool = False):
        self.env = {**env, "FINEGRID_LOG_LEVEL": "WARNING", "FINEGRID_SENSING_CASE_LEVEL": "red"}
        # With `finegrid broker-config`'s files for a broker on a free port (in the same process:
        # each start of Python and Django is seconds of the test on a busy machine).
        self.broker_folder, self.broker_port = folder, free_port()
        user = pwd.getpwuid(os.geteuid()).pw_name  # a Mosquitto started as root would switch to `mosquitto`
        made = subprocess.run([sys.executable, "-c", REGISTER, str(folder), str(self.broker_port), user,
                               "" if migrated else "migrate"],
                              env=self.env, check=True, timeout=180, capture_output=True, text=True)
        self.token = json.loads(made.stdout.strip().splitlines()[-1])["token"]
        print(f"child database: {'a copy of the test database' if migrated else 'migrated afresh'}")

    def finegrid(self, *args, **kwargs) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-m", "finegrid.cli", *args], env=self.env,
                                stderr=subprocess.DEVNULL, **kwargs)

    def one(self, sql: str):
        url = self.env.get("FINEGRID_DATABASE_URL")
        if url:
            import psycopg

            with psycopg.connect(url) as connection:
                return connection.execute(sql).fetchone()[0]
        with sqlite3.connect(Path(self.env["FINEGRID_DATA_DIR"]) / "finegrid.sqlite3", timeout=20) as connection:
            return connection.execute(sql).fetchone()[0]

    def readings(self, device: str = "d1") -> int:
        return self.one("SELECT COUNT(*) FROM sensing_reading r JOIN sensing_sensor s ON s.id = r.sensor_id "
                        f"JOIN sensing_device d ON d.id = s.device_id WHERE d.code = '{device}'")

    def device(self, column: str, device: str = "d1"):
        return self.one(f"SELECT {column} FROM sensing_device WHERE code = '{device}'")


@pytest.fixture(scope="module")
def child(tmp_path_factory, django_db_blocker):
    """A copy of the test database, migrated already (migrating a fresh one in the child was a
    third of these tests' time); a fresh one migrated if the copy cannot be made."""
    folder = tmp_path_factory.mktemp("broker")
    with django_db_blocker.unblock(), copy_of_the_test_database(folder) as env:
        if env is not None:
            yield Child(env, folder, migrated=True)
            return
    with throwaway_database() as env:
        yield Child(env, folder)


def numbered(site: str, device: str, total: int = TOTAL) -> list[tuple[str, str]]:
    """A device's TOTAL messages: a leak every 200, over at the next one (exactly one threshold
    alarm each, however often a message is delivered), 10 ms apart, numbered from 0."""
    topic, base = telemetry_topic(site, device), int(time.time() * 1000) - 120_000
    return [(topic, json.dumps({"seq": i, "ts": base + i * 10, "values": {
        "ch4": 30.0 if i % 200 == 100 else 0.4, "co": 1.0, "h2s": 0.1, "o2": 20.9}})) for i in range(total)]


def consume(child: Child, url: str, client_id: str) -> subprocess.Popen:
    return child.finegrid("ingest-mqtt", "--broker", url, "--client-id", client_id, "--batch", "200")


def first_in(child: Child, url: str, messages, login, device: str) -> None:
    """Until the consumer has subscribed nothing is kept for it: the first message again (stored
    once however often it comes) until it is in."""
    assert wait_for(lambda: publish_all(url, messages[:1], login) and wait_for(
        lambda: child.readings(device) == 4, 0.5), 90)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        process.wait(30)


def test_shipped_configuration_a_killed_consumer_and_a_restarted_broker_lose_nothing(child):
    port, folder = child.broker_port, child.broker_folder
    broker = Broker(folder, port=port, conf=folder / "mosquitto.conf").start()
    url, device = f"mqtt://127.0.0.1:{port}", ("d1", child.token)
    messages = numbered("s1", "d1")
    ingest = f"mqtt://finegrid-ingest:ingest-secret@127.0.0.1:{port}"
    consumer = consume(child, ingest, "shipped")
    try:
        first_in(child, url, messages, device, "d1")
        # A device publishes on its own topic only; nobody gets in without a password.
        refused = publish_all(url, [(telemetry_topic("s1", "d2"), messages[1][1]),
                                    (telemetry_topic("s2", "d1"), messages[1][1])], device)
        assert [code.value for code in refused] == [135, 135]  # MQTT 5 PUBACK: Not authorized
        assert not connects(url, None) and not connects(url, ("d1", "guess")) and connects(url, device)
        burst = threading.Thread(target=publish_all, args=(url, messages[1:], device))
        burst.start()
        assert wait_for(lambda: child.readings() >= 1000, 60)
        consumer.send_signal(signal.SIGKILL)  # in the middle of the burst
        consumer.wait(10)
        killed_at = child.readings()
        burst.join(120)
        broker.stop()  # the broker restarts with the dead consumer's queue in it
        broker.start()
        consumer = consume(child, ingest, "shipped")
        assert wait_for(lambda: child.device("seq") == TOTAL - 1, 120), f"stored {child.readings()} of {TOTAL * 4}"
    finally:
        stop(consumer)
        stop(broker.process)
    assert killed_at < TOTAL * 4  # it really died with work left
    print(f"shipped configuration: {TOTAL} messages published, {child.readings() // 4} stored "
          f"({killed_at // 4} when the consumer was killed), {child.device('lost_messages')} counted lost")
    assert child.readings() == TOTAL * 4 and child.readings("d2") == 0
    assert child.device("lost_messages") == 0
    alarms = "SELECT COUNT(*) FROM sensing_alarm a JOIN sensing_device d ON d.id = a.device_id WHERE d.code = 'd1'"
    assert child.one(f"{alarms} AND rule = 'lost'") == 0
    assert child.one(f"{alarms} AND rule = 'threshold' AND count = 1") == TOTAL // 200
    assert child.one(f"{alarms} AND rule = 'threshold'") == TOTAL // 200  # no reading evaluated twice


def connects(url: str, login) -> bool:
    client, properties = make_client(login=login)
    try:
        client.connect(*broker_address(url), properties=properties)
    except (ConnectionError, OSError):
        return False
    result = []
    client.on_connect = lambda c, u, flags, reason, props: result.append(not reason.is_failure)
    client.loop_start()
    wait_for(lambda: result, 10)
    client.loop_stop()
    client.disconnect()
    return result == [True]


def test_with_mosquittos_defaults_the_loss_is_seen_and_its_size_reported(child, tmp_path):
    broker = Broker(tmp_path).start()  # Mosquitto's defaults: 1,000 messages kept for an absent client
    messages = numbered("s2", "d3", DEFAULTS_TOTAL)
    consumer = consume(child, broker.url, "defaults")
    try:
        first_in(child, broker.url, messages, None, "d3")
        consumer.send_signal(signal.SIGKILL)
        consumer.wait(10)
        publish_all(broker.url, messages[1:-1])  # every one PUBACKed: the publisher thinks them delivered
        consumer = consume(child, broker.url, "defaults")
        # The last message comes after the consumer is back: the count's gap shows before it.
        assert wait_for(lambda: publish_all(broker.url, messages[-1:]) and wait_for(
            lambda: child.device("seq", "d3") == DEFAULTS_TOTAL - 1, 1), 90)
    finally:
        stop(consumer)
        stop(broker.process)
    stored = child.readings("d3") // 4
    lost = child.device("lost_messages", "d3")
    print(f"Mosquitto's defaults: {DEFAULTS_TOTAL} messages published, {stored} stored, {lost} counted lost")
    assert stored < DEFAULTS_TOTAL and lost == DEFAULTS_TOTAL - stored  # every message is either stored or counted lost
    alarm = child.one("SELECT summary FROM sensing_alarm s JOIN sensing_device d ON d.id = s.device_id "
                      "WHERE d.code = 'd3' AND rule = 'lost' AND active_key IS NOT NULL")
    assert alarm.startswith(f"lost {lost} messages")
