"""`finegrid bench sensing`: sustained ingest through a real Mosquitto on loopback.

The outer process makes a throwaway database of the configured kind (core/scratch.py), so the
benchmark never touches real data, and
runs the measurement in a child process pointed at it. The child migrates, registers bench
devices (4 gases each), starts a private Mosquitto (unless --broker names one) and the real
consumer (`finegrid ingest-mqtt`, another process), then publishes at --rate readings/s for
--duration seconds with a few alarm readings per second among them. It reports:

- readings published and stored (they must be equal) and the sustained rate: stored readings
  over the time from the first publish to the last reading stored;
- p50/p99 publish → alarm and publish → dispatched case, from the alarm and case events the
  consumer publishes after each commit (so the figure includes the commit);
- the baseline: a bare paho subscriber that only counts, fed as fast as the publisher can.

With --load N the same run measures twice: quiet, then with N processes burning CPU at nice 0 (the
box's other work: web workers, other people's test suites), figures of the second prefixed
`loaded_`. The consumer runs at FINEGRID_INGEST_NICE, as `finegrid ingest-mqtt` does in production."""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

from finegrid.core.scratch import throwaway_database

SENSORS = ("ch4", "co", "h2s", "o2")
DEVICES = 250
ALARMS_PER_S = 2


def main(duration: float = 60, broker: str = "", rate: float = 12_000, per_message: int = 1, load: int = 0,
         out=None, **_) -> dict:
    say = (lambda message: out.write(f"{message}\n")) if out else (lambda message: None)
    with throwaway_database({"FINEGRID_LOG_LEVEL": "WARNING"}) as env:
        say(f"benchmark database: {env.get('FINEGRID_DATABASE_URL') or env['FINEGRID_DATA_DIR']}")
        args = [sys.executable, "-m", "finegrid.bench.sensing", str(duration), broker, str(rate), str(per_message),
                str(load)]
        # A session of its own, as a service has: its priority is then its own (priority.py).
        child = subprocess.run(args, env=env, capture_output=True, text=True, timeout=duration * 8 + 300,
                               start_new_session=True)
    if child.returncode != 0:
        raise RuntimeError(f"the benchmark failed:\n{child.stderr[-3000:]}")
    for line in child.stderr.splitlines():
        if line.startswith("bench:"):
            say(line[6:].strip())
    return json.loads(child.stdout.strip().splitlines()[-1])


# -- the child process ------------------------------------------------------------------------

def child(duration: float, broker: str, rate: float, per_message: int = 1, load: int = 0) -> dict:
    from django.conf import settings
    from django.core.management import call_command

    from finegrid.sensing.priority import take_priority

    # The devices and the broker are not what is measured: they run at the ingest's priority, as
    # the broker should in production (its unit's Nice=), so a busy box slows the ingest only.
    take_priority(settings.FINEGRID_INGEST_NICE)
    call_command("migrate", verbosity=0)
    devices = _register()
    with _broker(broker) as url:
        consumer = subprocess.Popen([sys.executable, "-m", "finegrid.cli", "ingest-mqtt", "--broker", url,
                                     "--client-id", f"bench-{os.getpid()}"], env=os.environ.copy(),
                                    start_new_session=True)
        try:
            events = _Events(url)
            _wait_until_consuming(url, devices[0])
            numbers = Counter()
            figures = _sustained(url, devices, duration, rate, events, per_message, numbers=numbers)
            if load:
                events.clear()
                with _burning(load):
                    loaded = _sustained(url, devices, duration, rate, events, per_message,
                                        first_leak=figures["alarm_readings"], numbers=numbers)
                figures.update({"load_processes": load}, **{f"loaded_{key}": value for key, value in loaded.items()})
            figures.update(_baseline(url, max(5.0, duration / 4)))
        finally:
            _stop(consumer)
    figures["messages_lost_counted"] = _lost()  # by the consumer, from the devices' message numbers
    figures["database"] = _vendor()
    figures["messages_ratio_to_bare_subscriber"] = round(
        figures["messages_per_s"] / figures["bare_subscriber_messages_per_s"], 3)
    return figures


BURN = "import os\nos.setpriority(os.PRIO_PROCESS, 0, 0)\nwhile True:\n    pass\n"


@contextmanager
def _burning(processes: int):
    """`processes` busy loops at nice 0, each in a session of its own as other people's work is
    (whatever this process's own priority), stopped after."""
    burners = [subprocess.Popen([sys.executable, "-c", BURN], start_new_session=True) for _ in range(processes)]
    _say(f"{processes} processes burning CPU at nice 0")
    try:
        time.sleep(1)  # every one of them running before the measurement starts
        yield
    finally:
        for burner in burners:
            burner.kill()
            burner.wait()


def _stop(consumer: subprocess.Popen) -> None:
    """SIGTERM lets the consumer store the batch in hand. One still running a minute later (seen
    once, on a machine loaded by the whole test suite) is killed and said so: alive, it would keep
    the pipes it shares with this process open and hold the parent's read for minutes."""
    consumer.terminate()
    try:
        consumer.wait(timeout=60)
    except subprocess.TimeoutExpired:
        _say("the consumer did not stop within 60 s of SIGTERM: killed")
        consumer.kill()
        consumer.wait()


def _lost() -> int:
    from django.db.models import Sum

    from finegrid.sensing.models import Device

    return Device.objects.aggregate(lost=Sum("lost_messages"))["lost"] or 0


def _vendor() -> str:
    from django.db import connection

    return connection.vendor


def _register() -> list[tuple[str, str]]:
    """DEVICES restaurant kitchens, one four-gas detector each (each its own site, so each alarm
    opens its own case: a second alarm at a site with an open case joins that case)."""
    from finegrid.cases.catalogue import load_catalogue
    from finegrid.org.models import Unit

    from finegrid.sensing.models import Device, Sensor, Site

    load_catalogue()
    _one_grid_around(119.44, 32.40)
    unit = Unit.objects.create(code="gas", name="燃气服务中心", kind=Unit.Kind.PROPERTY)
    sites = Site.objects.bulk_create([
        Site(code=f"bench-{i:04d}", name=f"基准站点{i}", kind=Site.Kind.RESTAURANT, lon=119.44, lat=32.40, unit=unit,
             area_code="321002") for i in range(DEVICES)])
    devices = Device.objects.bulk_create([Device(site=site, code=f"b{i:04d}", interval_s=3600)
                                          for i, site in enumerate(sites)])
    Sensor.objects.bulk_create([Sensor(device=d, code=k, kind=k) for d in devices for k in SENSORS])
    return [(site.code, device.code) for site, device in zip(sites, devices)]


def _one_grid_around(lon: float, lat: float) -> None:
    """A district of one grid around the sites: cases open through the intake entrance, which
    takes only points inside a grid of the district."""
    from shapely.geometry import box

    from finegrid.grid.models import Grid, Region

    district = Region.objects.create(code="321002", name="广陵区", level=Region.Level.DISTRICT)
    street = Region.objects.create(code="321002001", name="基准街道", level=Region.Level.STREET, parent=district)
    community = Region.objects.create(code="321002001001", name="基准社区", level=Region.Level.COMMUNITY, parent=street)
    Grid.objects.create(code="321002001001001", name="基准网格", community=community,
                        geometry=box(lon - 0.01, lat - 0.01, lon + 0.01, lat + 0.01))


@contextmanager
def _broker(url: str):
    """The given broker, or a private Mosquitto on a free loopback port, configured to queue
    without limit (the machine's default drops a slow subscriber's messages past 1,000)."""
    if url:
        yield url
        return
    port = _free_port()
    folder = tempfile.mkdtemp(prefix="finegrid-mosquitto-")
    conf = Path(folder) / "mosquitto.conf"
    conf.write_text(f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n"
                    "max_queued_messages 0\nmax_inflight_messages 0\n")
    process = subprocess.Popen([shutil.which("mosquitto") or "/usr/sbin/mosquitto", "-c", str(conf)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(50):
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        yield f"mqtt://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _publisher(url: str):
    from finegrid.sensing.mqtt import broker_address, make_client

    client, properties = make_client(receive_maximum=65_535)
    client.max_inflight_messages_set(1000)
    client.max_queued_messages_set(0)
    client.connect(*broker_address(url), properties=properties)
    client.loop_start()
    return client


class _Events:
    """Receives the consumer's alarm and case events and notes when each arrived."""

    def __init__(self, url: str):
        from finegrid.sensing.mqtt import broker_address, make_client

        self.clear()
        self.client, properties = make_client()
        self.client.on_message = self._on_message
        self.client.on_connect = lambda c, *a: c.subscribe([("finegrid/+/+/alarm", 1), ("finegrid/+/+/case", 1)])
        self.client.connect(*broker_address(url), properties=properties)
        self.client.loop_start()

    def clear(self) -> None:
        self.alarms, self.cases = [], []

    def _on_message(self, client, userdata, message):
        arrived = time.time() * 1000
        event = json.loads(message.payload)
        if event["event"] == "case" and event.get("case_state") == "dispatched" and event["rule"] == "threshold":
            self.cases.append(arrived - event["first_ts"])
        elif event["event"] == "alarm" and event["action"] == "raise" and event["rule"] == "threshold":
            self.alarms.append(arrived - event["first_ts"])


def _wait_until_consuming(url: str, device) -> None:
    from finegrid.sensing.codec import encode, telemetry_topic
    from finegrid.sensing.models import Reading

    client = _publisher(url)
    for _ in range(600):
        client.publish(telemetry_topic(*device), encode(int(time.time() * 1000), {"o2": 20.9}), qos=1)
        time.sleep(0.1)
        if Reading.objects.exists():
            break
    client.disconnect()


def _payload(ts: int, ch4: float, per_message: int, seq: int) -> bytes:
    """One detector message, numbered `seq`: 4 gases, once, or `per_message` measurements a
    millisecond apart (a gateway's buffer), the last one carrying `ch4`."""
    if per_message == 1:
        return b'{"seq":%d,"ts":%d,"values":{"ch4":%s,"co":1.2,"h2s":0.1,"o2":20.9}}' % (seq, ts, str(ch4).encode())
    rows = [b'{"ts":%d,"values":{"ch4":%s,"co":1.2,"h2s":0.1,"o2":20.9}}' % (
        ts - per_message + 1 + i, str(ch4 if i == per_message - 1 else 0.3).encode()) for i in range(per_message)]
    return b'{"seq":%d,"readings":[' % seq + b",".join(rows) + b"]}"


def _sustained(url: str, devices, duration: float, rate: float, events: _Events, per_message: int = 1,
               first_leak: int = 0, numbers: Counter | None = None) -> dict:
    from finegrid.sensing.codec import telemetry_topic
    from finegrid.sensing.models import Reading

    client = _publisher(url)
    topics = [telemetry_topic(*device) for device in devices]
    per_second = rate / len(SENSORS) / per_message
    readings = len(SENSORS) * per_message
    published = alarm_messages = 0
    started = time.time()
    # Only this phase's readings count (the warm-up's are older than `started`).
    phase = Reading.objects.filter(ts__gte=int(started * 1000) - per_message)
    next_alarm, leaking, last = started, {}, {}
    numbers = Counter() if numbers is None else numbers

    def stamp(device: int) -> int:
        """Now, in ms, but past the device's previous message: no (sensor, ts) is ever sent twice."""
        last[device] = max(int(time.time() * 1000), last.get(device, 0) + per_message)
        return last[device]

    def number(device: int) -> int:
        """The device's next message number, counted on across phases."""
        numbers[device] += 1
        return numbers[device] - 1

    _say(f"publishing {rate:,.0f} readings/s for {duration:g} s")
    while (now := time.time()) < started + duration:
        due = int((now - started) * per_second) - published
        for _ in range(min(due, 500)):
            index = published % len(topics)
            ts = stamp(index)
            ch4 = 0.0 if leaking.pop(index, False) else 0.3  # a mended leak: its alarm clears
            client.publish(topics[index], _payload(ts, ch4, per_message, number(index)), qos=1)
            published += 1
            if time.time() >= next_alarm:
                # A leak at the next site in turn (its own case for the first DEVICES leaks).
                leak = (first_leak + alarm_messages) % len(topics)
                leaking[leak] = True
                client.publish(topics[leak], _payload(stamp(leak), 30.0, per_message, number(leak)), qos=1)
                published += 1
                next_alarm += 1 / ALARMS_PER_S
                alarm_messages += 1
        time.sleep(0.001)
    publishing_s = time.time() - started
    expected = published * readings
    stored, done = _wait_for(expected, phase, timeout=max(60, duration * 2))
    time.sleep(2)  # the last cases' events
    client.disconnect()
    _say(f"published {published * readings:,} readings in {publishing_s:.1f} s; stored {stored:,}")
    return {
        "duration_s": round(publishing_s, 1),
        "readings_per_message": readings,
        "readings_published": published * readings,
        "readings_stored": stored,
        "published_equals_stored": stored == expected,
        "sustained_readings_per_s": round(stored / (done - started)),
        "messages_per_s": round(published / (done - started)),
        "alarm_readings": alarm_messages,
        "alarms_seen": len(events.alarms),
        "cases_seen": len(events.cases),
        "alarm_p50_ms": _quantile(events.alarms, 0.5),
        "alarm_p99_ms": _quantile(events.alarms, 0.99),
        "case_p50_ms": _quantile(events.cases, 0.5),
        "case_p99_ms": _quantile(events.cases, 0.99),
    }


def _wait_for(expected: int, readings, timeout: float) -> tuple[int, float]:
    ends = time.time() + timeout
    count = readings.count()
    while count < expected and time.time() < ends:
        time.sleep(0.2)
        count = readings.count()
    return count, time.time()


def _quantile(samples: list, q: float):
    if not samples:
        return None
    ordered = sorted(samples)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)


BARE = """
import sys, time, paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
host, port, topic, expected = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
seen = []
def on_message(c, u, m):
    seen.append(time.time())
c = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
c.on_message = on_message
c.on_connect = lambda c, *a: c.subscribe(topic, qos=1)
c.on_subscribe = lambda c, *a: print("ready", flush=True)  # only now does the broker route to us
c.connect(host, port)
c.loop_start()
deadline = time.time() + 300
while len(seen) < expected and time.time() < deadline and not (seen and time.time() - seen[-1] > 10):
    time.sleep(0.05)
print(len(seen), seen[-1] - seen[0] if len(seen) > 1 else 0, flush=True)
"""


def _baseline(url: str, seconds: float) -> dict:
    """A bare paho subscriber (QoS 1, counts and nothing else) fed the same payloads, as fast as
    the publisher goes, in a process of its own."""
    from finegrid.sensing.mqtt import broker_address

    host, port = broker_address(url)
    count = int(seconds * 3000)
    bare = subprocess.Popen([sys.executable, "-c", BARE, host, str(port), "bench/bare", str(count)],
                            stdout=subprocess.PIPE, text=True)
    bare.stdout.readline()  # "ready"
    client = _publisher(url)
    payload = b'{"ts":%d,"values":{"ch4":0.3,"co":1.2,"h2s":0.1,"o2":20.9}}' % int(time.time() * 1000)
    for _ in range(count):
        client.publish("bench/bare", payload, qos=1)
    received, span = bare.communicate(timeout=600)[0].split()
    client.disconnect()
    rate = int(received) / max(float(span), 1e-9)
    _say(f"bare subscriber: {int(received):,} messages at {rate:,.0f}/s")
    return {"bare_subscriber_messages_per_s": round(rate)}


def _say(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "finegrid.settings")
    django.setup()
    duration_arg, broker_arg, rate_arg, per_message_arg, load_arg = sys.argv[1:6]
    print(json.dumps(child(float(duration_arg), broker_arg, float(rate_arg), int(per_message_arg), int(load_arg))))
