from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from finegrid.cases.calendar_import import CalendarFileError, import_calendar


class Command(BaseCommand):
    help = "Enter a year's holidays and adjusted working days (CSV: date,kind,name) into the calendar."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--source", default="", help="the notice it comes from, e.g. 国办发明电〔2026〕…")

    def handle(self, *args, file: Path, source: str, **options):
        if not file.is_file():
            raise CommandError(_("no such file: %(file)s") % {"file": file})
        try:
            result = import_calendar(file, source)
        except CalendarFileError as error:
            raise CommandError(_("nothing was imported:") + f"\n{error}")
        self.stdout.write(f"{result['days']} days for {', '.join(map(str, result['years']))}")
