"""`finegrid worker`: the district's clock. Every --interval seconds the deadline step (督办 warnings
and escalations of every watched model); every 2 s the notice step (new transitions of every app →
inbox notices and their webhook, e-mail and SMS copies) and the outbound sender; besides, every
periodic step another app declares on its AppConfig as `worker_steps = [(name, seconds,
"dotted.path.to.function")]` (the sensing tick every 10 s, for one), so the case engine need not
know the apps built on it. `--only tick,sensing` runs
just those steps (a test of one step need not run insight's labelling). SIGTERM or SIGINT lets the
current step finish, then exits 0."""

import logging
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections
from django.utils.module_loading import import_string

from finegrid.cases import notices, outbound, supervision
from finegrid.core.declared import declared

logger = logging.getLogger("finegrid.worker")
NOTICE_PERIOD = 2.0  # seconds: an assignment reaches the unit's inbox (and its webhook) this soon


class Command(BaseCommand):
    help = ("Run the worker: deadline ticks every --interval seconds, notices and outbound deliveries every 2 s, "
            "and the steps the apps declare (the sensing tick every 10 s, insight's labels every minute).")

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=30, help="seconds between steps (default 30)")
        parser.add_argument("--once", action="store_true", help="run one step and exit")
        parser.add_argument("--only", action="append", default=[], metavar="STEP",
                            help="run only these steps (comma-separated or repeated); default: every step")

    def handle(self, *args, interval, once, only, **options):
        if interval <= 0:
            raise CommandError("--interval must be a positive number of seconds")
        try:
            outbound.sms_sender()  # a wrong FINEGRID_SMS_SENDER fails now, not at the first red case
        except ImportError as error:
            raise CommandError(f"FINEGRID_SMS_SENDER: {error}")
        schedule = chosen(jobs(interval), only)
        if once:
            for job in schedule:
                job.work()  # a failure here is the command's failure: nothing loops to retry it
            return
        self.stopping = threading.Event()
        previous = {sig: signal.signal(sig, self.stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        logger.info("worker started: %s", ", ".join(f"{job.name} every {job.period:g} s" for job in schedule))
        try:
            self.loop(schedule)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        logger.info("worker stopped")

    def stop(self, signum, frame):
        self.stopping.set()  # the step in progress finishes; the loop then ends

    def loop(self, schedule: list["Job"]) -> None:
        while not self.stopping.is_set():
            close_old_connections()  # honour CONN_MAX_AGE and drop a connection the database closed
            for job in schedule:
                if job.due():
                    job.run()
            self.stopping.wait(max(0.0, min(job.next_at for job in schedule) - time.monotonic()))


@dataclass
class Job:
    """A step run every `period` seconds; a failure (a database hiccup) is logged and retried next time."""

    name: str
    period: float
    work: Callable[[], dict]
    next_at: float = 0.0

    def due(self) -> bool:
        return time.monotonic() >= self.next_at

    def run(self) -> None:
        self.next_at = time.monotonic() + self.period
        try:
            self.work()
        except Exception:
            logger.exception("worker %s step failed", self.name)


def jobs(interval: float) -> list[Job]:
    steps = [Job(name, seconds, logged(name, import_string(path))) for name, seconds, path in declared("worker_steps")]
    return [Job("tick", interval, step), Job("notices", NOTICE_PERIOD, tell), *steps]


def chosen(schedule: list[Job], only: list[str]) -> list[Job]:
    """The jobs named in `--only` (each value may list several, comma-separated), in schedule order."""
    names = {name.strip() for value in only for name in value.split(",") if name.strip()}
    known = [job.name for job in schedule]
    unknown = sorted(names.difference(known))
    if unknown or (only and not names):
        raise CommandError(f"unknown worker step {', '.join(unknown) or repr('')}; the steps are {', '.join(known)}")
    return [job for job in schedule if job.name in names] if names else schedule


def step() -> dict:
    """One tick of supervision, then its warnings told; logs one line when something happened."""
    return logged("tick", lambda: {**supervision.tick(), **notices.fan_out()})()


def tell() -> dict:
    """New transitions of every app turned into notices, then the outbound deliveries due."""
    return logged("notices", lambda: {**notices.fan_out(), **outbound.deliver_pending()})()


def logged(name: str, work: Callable[[], dict]) -> Callable[[], dict]:
    def run() -> dict:
        counts = work()
        done = {key: value for key, value in counts.items() if value}
        if done:
            logger.info("%s: %s", name, " ".join(f"{key}={value}" for key, value in done.items()))
        return counts
    return run
