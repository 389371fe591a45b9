"""`finegrid refresh-overview`: compute the leader overview's slow panels now (the district's
30-day trend, this month's rankings of streets and units, this month's hot topics), so the first
leader to open the overview sees figures at once. For cron, or after a large import."""

import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from finegrid.console import panels


class Command(BaseCommand):
    help = "Compute the leader overview's slow panels (trend, rankings, hot topics) ahead of time."

    def handle(self, *args, **options):
        month = timezone.localtime().strftime("%Y-%m")
        jobs = [("trend", panels.WHOLE_DISTRICT), ("ranking", f"street:{month}"), ("ranking", f"unit:{month}"),
                ("topics", month)]
        for name, key in jobs:
            start = time.perf_counter()
            panels.refresh(name, key)
            self.stdout.write(f"{name} {key}: {time.perf_counter() - start:.1f} s")
