from json import dumps

from django.core.management.base import BaseCommand, CommandError

from finegrid.bench import BENCHMARKS, run


DJANGO_OPTIONS = {"verbosity", "settings", "pythonpath", "traceback", "no_color", "force_color", "skip_checks"}


class Command(BaseCommand):
    help = "Run a benchmark and print its figures (medians, with a baseline from the same run)."

    def add_arguments(self, parser):
        parser.add_argument("name", nargs="?", help=", ".join(BENCHMARKS))
        parser.add_argument("--points", type=int, default=1_000_000)
        parser.add_argument("--repeats", type=int, default=5)
        parser.add_argument("--size", type=int, default=1_000_000, help="cases: how many cases the database must hold")
        parser.add_argument("--duration", type=float, default=60, help="sensing: seconds of sustained publishing")
        parser.add_argument("--rate", type=float, default=12_000, help="sensing: readings per second to publish")
        parser.add_argument("--per-message", type=int, default=1,
                            help="sensing: measurements per message (4 gases each; >1 is a gateway's buffer)")
        parser.add_argument("--broker", default="", help="sensing: mqtt://host:port (default: a private Mosquitto)")
        parser.add_argument("--load", type=int, default=0,
                            help="sensing: measure again with N processes burning CPU (the box's other work)")
        parser.add_argument("--data", help="insight: the folder of labelled hotline messages (default ../shared/…)")
        parser.add_argument("--rows", type=int, default=20_000, help="intake: hotline rows to import")
        parser.add_argument("--seconds", type=int, default=10, help="intake: seconds of load per endpoint")
        parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")

    def handle(self, *args, name=None, json=False, **options):
        if name not in BENCHMARKS:
            listing = "\n".join(f"  {key:10} {about}" for key, (_, about) in BENCHMARKS.items())
            raise CommandError(f"choose a benchmark:\n{listing}")
        # Each benchmark takes the options it knows and ignores the others.
        options = {key: value for key, value in options.items() if key not in DJANGO_OPTIONS}
        figures = run(name, out=self.stderr, **options)
        if json:
            self.stdout.write(dumps(figures, ensure_ascii=False))
        else:
            for key, value in figures.items():
                self.stdout.write(f"{key:>20}: {_readable(value)}")


def _readable(value) -> str:
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}"
    return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else str(value)
