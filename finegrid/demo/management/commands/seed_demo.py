import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand
from tqdm import tqdm

from finegrid.core.database import pending_migrations
from finegrid.demo.seed import seed_demo
from finegrid.demo.staff import DEMO_PASSWORD

DEMO_LOGINS = [
    ("admin", "系统管理员 administrator"),
    ("leader", "区领导 leader"),
    ("supervisor", "值班长 supervisor"),
    ("operator", "受理员 operator"),
    ("dispatcher", "派遣员 dispatcher"),
    ("callback", "回访员 call-back desk"),
    ("handler_cgj", "城管局处置人员 unit handler"),
    ("street_321002001", "东关街道处置人员 street handler"),
    ("gw321002001001001", "网格员 grid worker (琼花观社区第1网格)"),
    ("secadmin", "安全管理员 security administrator"),
    ("auditor", "审计管理员 auditor"),
]


class Command(BaseCommand):
    help = ("Build the Guangling demo district (grids, gazetteer, units, staff, categories, responsibility "
            "matrix, case history); skips what exists.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--cases", type=int, default=0,
            help="a year of realistic case history until the database holds N cases (default 0: none)",
        )

    def handle(self, *args, cases=0, **options):
        if pending_migrations():  # safe to do unasked: migrating only adds what the demo needs
            self.stderr.write("the database is not migrated yet: migrating it first")
            call_command("migrate", interactive=False, verbosity=0)
        progress = StepBars()
        try:
            created = seed_demo(progress=progress, cases=cases)
        finally:
            progress.close()
        summary = ", ".join(f"{key} {value}" for key, value in created.items() if value) or "nothing new"
        self.stdout.write(f"demo district Guangling: {summary}")
        self.stdout.write(f"\ndemo logins (password {DEMO_PASSWORD}):")
        for username, who in DEMO_LOGINS:
            self.stdout.write(f"  {username:22} {who}")


class StepBars:
    """One progress bar per step of the build, each closed when the next step starts."""

    def __init__(self):
        self.step, self.bar = None, None

    def __call__(self, step: str, done: int, total: int) -> None:
        if step != self.step:
            self.close()
            self.step, self.bar = step, tqdm(total=total, desc=f"{step:>12}", unit="", file=sys.stderr)
        self.bar.total = total
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
