"""`finegrid check`: Django's system checks, then every object of every machine (cases first,
then what the apps run on the engine) replayed against its stored state."""

from django.core.management.base import CommandError
from django.core.management.commands.check import Command as SystemCheckCommand
from django.db import DatabaseError
from django.utils import translation
from tqdm import tqdm

from finegrid.cases.machine import MACHINES
from finegrid.cases.workflow import CASES

CHUNK = 2000


class Command(SystemCheckCommand):
    help = "Django's system checks, then replay the history of every case (and every other engine object)."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--no-cases", action="store_true", help="run the system checks only")

    def handle(self, *app_labels, no_cases=False, **options):
        super().handle(*app_labels, **options)
        if no_cases:
            return
        for machine in [CASES, *(m for m in MACHINES if m is not CASES)]:
            self._check_machine(machine)

    def _check_machine(self, machine) -> None:
        with translation.override("en"):  # the CLI speaks English, as its other messages do
            name = str(machine.model._meta.verbose_name_plural)
        try:
            total = machine.model.objects.count()
        except DatabaseError:  # before `finegrid migrate`: nothing to replay yet
            self.stdout.write(f"the {name} tables do not exist yet (run finegrid migrate); no {name} checked")
            return
        bad = 0
        with tqdm(total=total, desc=f"replaying {name}", unit=f" {name}", disable=total < CHUNK) as bar:
            for chunk in _chunks(machine.model):
                bad += self._check_chunk(machine, chunk)
                bar.update(len(chunk))
        if bad:
            raise CommandError(f"{bad} of {total} {name} disagree with their history")
        self.stdout.write(f"{total} {name} agree with their history")

    def _check_chunk(self, machine, objects) -> int:
        history = {}
        subject = f"{machine.subject}_id"
        rows = machine.transitions.objects.filter(**{f"{subject}__in": [o.pk for o in objects]})
        for row in rows.order_by(subject, "seq"):
            history.setdefault(getattr(row, subject), []).append(row)
        bad = 0
        for obj in objects:
            problems = machine.disagreements(obj, history.get(obj.pk, []))
            if problems:
                bad += 1
                self.stderr.write(f"{getattr(obj, 'ticket', obj.pk)}: " + "; ".join(problems))
        return bad


def _chunks(model):
    last = 0
    while True:
        objects = list(model.objects.filter(pk__gt=last).order_by("pk")[:CHUNK])
        if not objects:
            return
        yield objects
        last = objects[-1].pk
