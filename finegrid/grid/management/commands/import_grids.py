from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from finegrid.grid.geojson_io import read_records
from finegrid.grid.importer import import_records


class Command(BaseCommand):
    help = "Import regions, grids and micro-grids from a GeoJSON file; all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        if not file.is_file():
            raise CommandError(_("no such file: %(file)s") % {"file": file})
        if file.stat().st_size > settings.FINEGRID_MAX_GRID_FILE_BYTES:
            raise CommandError(_("the file is larger than the limit of %(mb)s MB") % {
                "mb": settings.FINEGRID_MAX_GRID_FILE_BYTES // 2**20
            })
        try:
            text = file.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            raise CommandError(_("the file is not UTF-8 text"))
        records, problems = read_records(text)
        report = import_records(records, source=str(file)) if not problems else None
        problems = problems + (report.problems if report else [])
        if problems:
            for problem in problems:
                self.stderr.write(str(problem))
            raise CommandError(_("%(n)s problem(s): nothing was imported") % {"n": len(problems)})
        self.stdout.write(_("imported %(created)s new and %(updated)s updated features") % {
            "created": report.created, "updated": report.updated
        })
