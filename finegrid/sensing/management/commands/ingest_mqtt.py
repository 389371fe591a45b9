"""`finegrid ingest-mqtt`: the MQTT consumer of sensor telemetry, with the sensing tick (offline
devices, unacknowledged alarms) every 10 s. SIGTERM or SIGINT: the batch in hand is stored and
acknowledged, then it exits 0."""

import logging
import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from finegrid.sensing.mqtt import Consumer
from finegrid.sensing.priority import take_priority

logger = logging.getLogger("finegrid.sensing.mqtt")


class Command(BaseCommand):
    help = "Consume sensor readings from MQTT (finegrid/{site}/{device}/telemetry, QoS 1, persistent session)."

    def add_arguments(self, parser):
        parser.add_argument("--broker", default=settings.FINEGRID_MQTT_URL,
                            help="mqtt://host:port (default FINEGRID_MQTT_URL)")
        parser.add_argument("--client-id", default=settings.FINEGRID_MQTT_CLIENT_ID,
                            help="fixed client id of the persistent session (default FINEGRID_MQTT_CLIENT_ID)")
        parser.add_argument("--batch", type=int, default=5000, help="most messages stored in one transaction")
        parser.add_argument("--nice", type=int, default=settings.FINEGRID_INGEST_NICE,
                            help="the nice value to run at, ahead of the box's other work (default FINEGRID_INGEST_NICE)")

    def handle(self, *args, broker, client_id, batch, nice, **options):
        if not broker:
            raise CommandError("no broker: set FINEGRID_MQTT_URL or pass --broker mqtt://host:1883")
        running_at = take_priority(nice)  # before any thread starts: threads inherit it
        stopping = threading.Event()
        previous = {sig: signal.signal(sig, lambda *_: stopping.set()) for sig in (signal.SIGTERM, signal.SIGINT)}
        consumer = Consumer(broker, client_id, batch=batch)
        logger.info("ingesting from %s as %s at nice %d", broker, client_id, running_at)
        try:
            consumer.run(stopping)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        logger.info("ingest stopped after %d messages", consumer.stats["messages"])
