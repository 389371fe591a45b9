"""`finegrid import-work-report FILE [--dry-run] [--format json|xlsx] [--output PATH] [--year 2026]`.

FILE is a report (.txt, .docx, .pdf), decomposed into a draft task tree, or an edited 任务分解表
(.xlsx), read back as it stands. Without --dry-run the tree is stored as drafts for the 督查室 to
review and issue; with it nothing is stored: the tree is printed as JSON, or written as the
任务分解表 (--format xlsx, which needs --output). All or nothing: a bad row or an unknown unit
refuses the whole file, each one named."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from finegrid.org.models import Unit

from ...models import KeyTask
from ...store import TreeError, store


def earlier_assignments(limit: int = 5000) -> list[tuple[str, str]]:
    """The district's own earlier tasks and the units that led them: the suggestions learn from them."""
    rows = (KeyTask.objects.exclude(unit=None).exclude(state__in=("draft", "cancelled"))
            .order_by("-pk").values_list("title", "unit__name")[:limit])
    return list(rows)


def read_outline(path: Path, year: int, source: str | None = None):
    from ...decompose import ReportError, decompose_file, read_report

    units = list(Unit.objects.filter(active=True))
    try:
        if path.suffix.lower() == ".xlsx":
            from ...sheet import SheetError, outline_from_rows, read_sheet

            names = {name for unit in units for name in (unit.name, unit.short_name, unit.code) if name}
            try:
                rows = read_sheet(path, names)
            except SheetError as error:
                raise CommandError(str(error))
            # The sheet keeps each task's place in the report; the report itself gives the passages.
            return outline_from_rows(rows, read_report(source) if source else "")
        return decompose_file(path, units=units, year=year, history=earlier_assignments())
    except ReportError as error:
        raise CommandError(str(error))


class Command(BaseCommand):
    help = "Decompose a work report (or read back an edited 任务分解表) into a draft key-task tree."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="print or write the tree; store nothing")
        parser.add_argument("--format", choices=("json", "xlsx"), default="json")
        parser.add_argument("--output", "-o", help="where to write (json: default standard output)")
        parser.add_argument("--year", type=int, help="the report's work year (default: this year)")
        parser.add_argument("--title", help="the document's title (default: the file name)")
        parser.add_argument("--source", help="an edited sheet: the report it was made from (for the passages)")

    def handle(self, *args, file, dry_run, format, output, year, title, source=None, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"no such file: {file}")
        year = year or timezone.localdate().year
        outline = read_outline(path, year, source)
        if not outline.found_headings:
            self.stderr.write("no headings found: the report was split into clauses only")
        for warning in outline.warnings:
            self.stderr.write(warning)
        if dry_run:
            return self.write(outline, format, output)
        try:
            document = store(outline, title=title or path.stem, filename=path.name,
                             year_end=None if year is None else _year_end(year))
        except TreeError as error:
            raise CommandError("the tree was not stored:\n" + "\n".join(error.problems))
        count = document.tasks.count()
        self.stdout.write(f"stored {count} draft tasks from {path.name} as document {document.pk}; "
                          f"review and issue them on the 督查 desk")

    def write(self, outline, format, output) -> None:
        if format == "xlsx":
            if not output:
                raise CommandError("--format xlsx needs --output FILE.xlsx")
            from ...sheet import write_sheet

            write_sheet(outline, output)
            self.stderr.write(f"wrote {output}")
            return
        from ...decompose import as_json

        text = json.dumps(as_json(outline), ensure_ascii=False, indent=2)
        if output:
            Path(output).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text)


def _year_end(year: int):
    from ...rules import end_of_day

    return end_of_day(f"{year}-12-31")
