from django.core.management.base import CommandError
from django.db import DatabaseError
from django.core.management.commands.check import Command as SystemCheckCommand
from tqdm import tqdm

from finegrid.cases.models import Case, Transition
from finegrid.cases.replay import disagreements

CHUNK = 2000


class Command(SystemCheckCommand):
    help = "Django's system checks, then replay every case's history against its stored state."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--no-cases", action="store_true", help="run the system checks only")

    def handle(self, *app_labels, no_cases=False, **options):
        super().handle(*app_labels, **options)
        if no_cases:
            return
        try:
            total = Case.objects.count()
        except DatabaseError:  # before `finegrid migrate`: nothing to replay yet
            self.stdout.write("the case tables do not exist yet (run finegrid migrate); no cases checked")
            return
        bad = 0
        with tqdm(total=total, desc="replaying cases", unit=" cases", disable=total < CHUNK) as bar:
            for cases in _chunks():
                bad += self._check_chunk(cases)
                bar.update(len(cases))
        if bad:
            raise CommandError(f"{bad} of {total} cases disagree with their history")
        self.stdout.write(f"{total} cases agree with their history")

    def _check_chunk(self, cases) -> int:
        history = {}
        for row in Transition.objects.filter(case_id__in=[c.pk for c in cases]).order_by("case_id", "seq"):
            history.setdefault(row.case_id, []).append(row)
        bad = 0
        for case in cases:
            problems = disagreements(case, history.get(case.pk, []))
            if problems:
                bad += 1
                self.stderr.write(f"{case.ticket}: " + "; ".join(problems))
        return bad


def _chunks():
    last = 0
    while True:
        cases = list(Case.objects.filter(pk__gt=last).order_by("pk")[:CHUNK])
        if not cases:
            return
        yield cases
        last = cases[-1].pk
