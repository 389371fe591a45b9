import csv
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from finegrid.core.models import audit
from finegrid.intake.hotline import column_map, import_file
from finegrid.intake.sheets import SheetError


class Command(BaseCommand):
    help = ("Import a hotline export (.xlsx or .csv, UTF-8 or GBK): good rows become cases, bad rows go to "
            "FILE.errors.csv with their row number and reason. Importing the same file again adds nothing.")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--columns", help="a JSON column mapping instead of finegrid/intake/data/hotline_columns.json")
        parser.add_argument("--errors", help="where to write the error report (default: FILE.errors.csv)")

    def handle(self, *args, file, columns=None, errors=None, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        with tqdm(unit=" rows", desc="import", file=sys.stderr, disable=None) as bar:
            try:
                outcome = import_file(path, columns=column_map(columns) if columns else None, progress=bar.update)
            except SheetError as error:
                raise CommandError(str(error))
        report = Path(errors) if errors else path.with_name(path.name + ".errors.csv")
        if outcome.errors:
            with report.open("w", encoding="utf-8-sig", newline="") as stream:
                writer = csv.writer(stream)
                writer.writerow(["row", "reason"])
                writer.writerows(sorted(outcome.errors))
        audit("hotline.import", target=path.name, created=outcome.created, duplicates=outcome.duplicates,
              errors=len(outcome.errors))
        self.stdout.write(f"{outcome.created} cases created, {outcome.duplicates} already imported, "
                          f"{len(outcome.errors)} rows refused" + (f" (see {report})" if outcome.errors else ""))
