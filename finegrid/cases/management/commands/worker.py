"""`finegrid worker`: the deadline worker (督办 warnings and escalations) and the outbound sender,
one step every --interval seconds. SIGTERM or SIGINT lets the current step finish, then exits 0."""

import logging
import signal
import threading

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from finegrid.cases import outbound, supervision

logger = logging.getLogger("finegrid.worker")


class Command(BaseCommand):
    help = "Run the deadline worker: supervision ticks and outbound deliveries every --interval seconds."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=30, help="seconds between steps (default 30)")
        parser.add_argument("--once", action="store_true", help="run one step and exit")

    def handle(self, *args, interval, once, **options):
        if interval <= 0:
            raise CommandError("--interval must be a positive number of seconds")
        try:
            outbound.sms_sender()  # a wrong FINEGRID_SMS_SENDER fails now, not at the first red case
        except ImportError as error:
            raise CommandError(f"FINEGRID_SMS_SENDER: {error}")
        if once:
            step()
            return
        self.stopping = threading.Event()
        previous = {sig: signal.signal(sig, self.stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        logger.info("worker started, one step every %g s", interval)
        try:
            self.loop(interval)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        logger.info("worker stopped")

    def stop(self, signum, frame):
        self.stopping.set()  # the step in progress finishes; the loop then ends

    def loop(self, interval: float) -> None:
        while not self.stopping.is_set():
            close_old_connections()  # honour CONN_MAX_AGE and drop a connection the database closed
            try:
                step()
            except Exception:  # a database hiccup: log it and try again at the next step
                logger.exception("worker step failed")
            self.stopping.wait(interval)


def step() -> dict:
    """Queued Open311 reports become cases, then one tick of supervision, then the deliveries due;
    logs one line when something happened."""
    from finegrid.intake import inbox

    counts = {**inbox.drain(), **supervision.tick(), **outbound.deliver_pending()}
    done = {key: value for key, value in counts.items() if value}
    if done:
        logger.info("tick: %s", " ".join(f"{key}={value}" for key, value in done.items()))
    return counts
