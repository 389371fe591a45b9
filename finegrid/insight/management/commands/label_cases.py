"""`finegrid label-cases [--all]`: label the cases that have none (run it from a scheduled job
after `finegrid train --retrain`, or once to backfill a district's history)."""

from django.core.management.base import BaseCommand

from finegrid.cases.models import Case
from finegrid.insight.labelling import label_cases


class Command(BaseCommand):
    help = "Give every case without labels its topic, request type and urgency (insight)."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="relabel every case (operators' corrections are kept)")

    def handle(self, *args, all=False, **options):
        made = label_cases(Case.objects.all() if all else None)
        self.stdout.write(f"{len(made)} cases labelled")
