"""`finegrid simulate-sensors`: realistic readings for the registered devices, published to a
broker (--broker) or, with none, fed straight to the engine in this process (then the sensing
tick runs here too, every 10 s). Each device numbers its messages from 0, as real ones should
(codec.py), so the ingest can tell a message lost on the way."""

import logging
import signal
import threading
import time
from collections import Counter

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from finegrid.sensing.codec import encode, telemetry_topic
from finegrid.sensing.engine import Incoming, default_engine
from finegrid.sensing.simulate import Simulator, registered_devices
from finegrid.sensing.tick import INTERVAL_S, tick

logger = logging.getLogger("finegrid.sensing.simulate")


class Command(BaseCommand):
    help = "Simulate the demo sites' sensors: daily cycles, noise, drift, stuck sensors, dropouts, growing leaks."

    def add_arguments(self, parser):
        parser.add_argument("--rate", type=float, default=0, help="readings per second overall (0: each device's interval)")
        parser.add_argument("--duration", type=float, default=0, help="seconds to run (0: until stopped)")
        parser.add_argument("--broker", default=settings.FINEGRID_MQTT_URL, help="mqtt://host:port; empty: in process")
        parser.add_argument("--incidents", type=float, default=4, help="incidents per hour across all devices")
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, rate, duration, broker, incidents, seed, **options):
        if rate < 0 or duration < 0:
            raise CommandError("--rate and --duration must not be negative")
        devices = registered_devices()
        if not devices:
            raise CommandError("no devices are registered (run finegrid seed-demo)")
        stopping = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stopping.set())
        sim = Simulator(devices, rate=rate, seed=seed, start=time.time(), incidents_per_hour=incidents)
        self.numbers = Counter()
        send = self._publisher(broker) if broker else self._in_process()
        ends = time.time() + duration if duration else float("inf")
        sent = 0
        logger.info("simulating %d devices %s", len(devices), f"to {broker}" if broker else "in process")
        while not stopping.is_set() and time.time() < ends:
            messages = sim.due(time.time())
            if messages:
                send(messages)
                sent += len(messages)
            stopping.wait(0.2)
        if not broker:
            default_engine().flush()  # the last counters and last-seen times
        self.stdout.write(f"simulated {sent} messages from {len(devices)} devices")

    def _publisher(self, broker):
        from finegrid.sensing.mqtt import broker_address, make_client

        client, properties = make_client()
        client.connect(*broker_address(broker), properties=properties)
        client.loop_start()

        def send(messages):
            for site, device, ts, values in messages:
                client.publish(telemetry_topic(site, device), encode(ts, values, self._number(device)), qos=1)
        return send

    def _number(self, device: str) -> int:
        """The device's next message number: 0, 1, 2…"""
        self.numbers[device] += 1
        return self.numbers[device] - 1

    def _in_process(self):
        engine = default_engine()
        last_tick = [time.monotonic()]

        def send(messages):
            engine.process([Incoming(device, ts, values, site, self._number(device))
                            for site, device, ts, values in messages])
            if time.monotonic() - last_tick[0] >= INTERVAL_S:
                last_tick[0] = time.monotonic()
                tick(engine=engine)
        return send
