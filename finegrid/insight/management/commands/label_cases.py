"""`finegrid label-cases [--all]`: label the cases that have none (once, to backfill a district's
history; `finegrid worker` labels new cases as they come), or relabel all after a retrain."""

import sys

from django.core.management.base import BaseCommand
from tqdm import tqdm

from finegrid.cases.models import Case
from finegrid.insight.labelling import label_cases


class Command(BaseCommand):
    help = "Give every case without labels its topic, request type and urgency (insight)."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="relabel every case (operators' corrections are kept)")

    def handle(self, *args, all=False, **options):
        def progress(total):
            return tqdm(total=total, desc="labelling", unit=" cases", file=sys.stderr, disable=None)

        made = label_cases(Case.objects.all() if all else None, progress=progress)
        self.stdout.write(f"{len(made)} cases labelled")
