"""The one `finegrid` console script: every Django management command, with the hyphenated
names of finegrid's CLI contract (`finegrid seed-demo` runs the `seed_demo` command)."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "finegrid.settings")
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(argv)
    except ImproperlyConfigured as error:  # a bad setting: say which, without a traceback
        sys.exit(f"finegrid: {error}")


if __name__ == "__main__":
    main()
