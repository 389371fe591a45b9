"""`finegrid refresh-overview [--every SECONDS]`: compute the leader overview's slow panels (the
district's 30-day trend, the rankings of streets and units over the last 30 days, this month's hot topics) —
once, or every SECONDS beside the server (the hot topics are only ever computed here: they take
a minute at a few hundred thousand labelled appeals, far too long for a web process)."""

import signal
import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from finegrid.console import panels


class Command(BaseCommand):
    help = "Compute the leader overview's slow panels (trend, rankings, hot topics), once or every N seconds."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=float, default=0, help="repeat every this many seconds (0: once)")

    def handle(self, *args, every, **options):
        self.stopping = False
        signal.signal(signal.SIGTERM, self.stop)
        while True:
            self.refresh_all()
            if not every:
                return
            deadline = time.monotonic() + every
            while not self.stopping and time.monotonic() < deadline:
                time.sleep(min(1.0, every))
            if self.stopping:
                return

    def stop(self, signum, frame):
        self.stopping = True  # finish the panel being computed, then leave

    def refresh_all(self) -> None:
        month = timezone.localtime().strftime("%Y-%m")
        jobs = [("trend", panels.WHOLE_DISTRICT), ("ranking", f"street:{panels.ROLLING}"),
                ("ranking", f"unit:{panels.ROLLING}"), ("topics", month)]
        for name, key in jobs:
            if self.stopping:
                return
            start = time.perf_counter()
            panels.refresh(name, key)
            self.stdout.write(f"{name} {key}: {time.perf_counter() - start:.1f} s")
