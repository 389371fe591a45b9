"""The one `finegrid` console script: every Django management command, with the hyphenated
names of finegrid's CLI contract (`finegrid seed-demo` runs the `seed_demo` command).

Before a command runs it says once, on stderr, which data folder and database it uses: stdout
stays the command's own, since reports, exports, locations and tokens are piped from it. A command
that needs the database refuses an un-migrated one with a sentence rather than a traceback."""

import os
import sys

# finegrid's commands that work on a database without tables: the server (its health check
# answers before migrate), seed-demo (migrates by itself), bench (each benchmark builds its own
# database), check (says so itself) and analyze (with --no-places it reads no table).
UNMIGRATED_OK = {"serve", "seed_demo", "bench", "check", "analyze"}
# Django's own commands that read or write tables.
DJANGO_NEEDS_TABLES = {"createsuperuser", "changepassword", "dumpdata", "loaddata", "flush"}
# Django's commands finegrid replaces with its own (org's change_password keeps 三员分立).
OWN_COMMANDS = {"changepassword": "change_password"}


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "finegrid.settings")
    command = argv[1].replace("-", "_") if len(argv) > 1 and not argv[1].startswith("-") else None
    command = OWN_COMMANDS.get(command, command)
    if command:
        argv[1] = command
    if command == "help" and len(argv) > 2:  # `finegrid help seed-demo`, as the commands are written
        argv[2] = OWN_COMMANDS.get(argv[2].replace("-", "_"), argv[2].replace("-", "_"))
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        if command and command != "help" and not {"-h", "--help", "--version"} & set(argv):
            prepare(command)
        execute_from_command_line(argv)
    except ImproperlyConfigured as error:  # a bad setting: say which, without a traceback
        sys.exit(f"finegrid: {error}")


def prepare(command: str) -> None:
    """Say where the data is; stop when the command needs tables the database does not have yet."""
    import django
    from django.conf import settings
    from django.db import DatabaseError

    from finegrid.core.database import describe, pending_migrations

    from django.apps import apps

    if not apps.ready:  # inside a running process (a test) set-up is done: doing it again resets logging
        django.setup()
    where = describe(settings.DATABASES["default"])
    sys.stderr.write(f"finegrid: data folder {settings.DATA_DIR}, database {where}\n")
    if not needs_tables(command):
        return
    try:
        pending = pending_migrations()
    except DatabaseError as error:
        sys.exit(f"finegrid: cannot reach the database {where}: {error}".rstrip())
    if pending:
        sys.exit(f"finegrid: the database is not migrated ({len(pending)} migrations not applied); "
                 "run `finegrid migrate` first")


def needs_tables(command: str) -> bool:
    from django.core.management import get_commands

    app = get_commands().get(command, "")
    return command in DJANGO_NEEDS_TABLES or (app.startswith("finegrid.") and command not in UNMIGRATED_OK)


if __name__ == "__main__":
    main()
