"""`finegrid report evaluation --period 2026-10 [--by unit] [--format xlsx|csv|json] [-o FILE]`.

Headers are Chinese by default and English under `--lang en`; JSON keeps stable English keys in
every language, since programs read it."""

import csv
import io
import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from finegrid.core.cells import neutral
from finegrid.core.declared import declared
from finegrid.cases.evaluation import GROUPINGS, evaluate, indicators_for, period_bounds

FORMATS = ("xlsx", "csv", "json")
LANGUAGES = {"zh": "zh-hans", "zh-hans": "zh-hans", "en": "en"}
# The name column of each grouping: (msgid, the Chinese word while django.po lacks it).
KEY_HEADERS = {"unit": ("Unit", "单位"), "street": ("Street", "街道"), "community": ("Community", "社区"),
               "grid": ("Grid", "网格"), "person": ("Person", "人员")}


class Command(BaseCommand):
    help = "Write a report: evaluation (考核) of every unit, area or handler for a period."

    def add_arguments(self, parser):
        parser.add_argument("name", help="the report: evaluation, or one an app declares (hot-issues: finegrid.insight)")
        parser.add_argument("--period", help="2026-10, 2026-Q3, 2026 or 2026-10-01..2026-10-15")
        parser.add_argument("--month", help="hot-issues: the month, e.g. 2026-10")
        parser.add_argument("--by", default="unit", choices=GROUPINGS)
        parser.add_argument("--format", choices=(*FORMATS, "html", "docx"),
                            help="default: from -o's suffix, else json (html and docx: an app's report, such as supervision)")
        parser.add_argument("-o", "--output", help="the file to write (default: standard output)")
        parser.add_argument("--lang", default=settings.LANGUAGE_CODE, help="zh-hans (default) or en")

    def handle(self, *args, name, period, by, output, **options):
        others = dict(declared("reports"))  # an app's report shares this command's name and options
        if name in others:
            return import_string(others[name])(self, options["month"], options["format"], output, options["lang"])
        if name != "evaluation":
            raise CommandError(f"unknown report {name!r}: the reports are: {', '.join(['evaluation', *others])}")
        if not period:
            raise CommandError("evaluation needs --period")
        kind = _format(options["format"], output)
        if kind not in WRITERS:
            raise CommandError(f"evaluation is written as {', '.join(FORMATS)}, not {kind}")
        language = LANGUAGES.get(options["lang"].lower())
        if language is None:
            raise CommandError(f"unknown language {options['lang']!r}: use zh-hans or en")
        try:
            rows = evaluate(*period_bounds(period), by=by)
        except ValueError as error:  # a bad period, or a weight row naming no indicator
            raise CommandError(str(error))
        with translation.override(language):
            table = Table(rows, by)
            WRITERS[kind](table, output, self.stdout)


def _format(given: str | None, output: str | None) -> str:
    if given:
        kind = given
    elif output:
        kind = Path(output).suffix.lower().lstrip(".")
        if kind not in FORMATS:
            raise CommandError(f"cannot tell the format from {output!r}: "
                               "name it .xlsx, .csv or .json, or pass --format")
    else:
        kind = "json"
    if kind == "xlsx" and not output:
        raise CommandError("an xlsx report needs a file: pass -o FILE.xlsx")
    return kind


def _localised(label: str, term: str) -> str:
    """`label` in the active language; the standard's Chinese term while django.po lacks `label`."""
    text = gettext(label)
    if text == label and translation.get_language().startswith("zh"):
        return term
    return text


class Table:
    """The rows as columns of (header, kind, cells): kind is text, count, percent, score or rank."""

    def __init__(self, rows, by):
        indicators = indicators_for(by)
        self.rows = rows
        self.columns = [
            (_localised(*KEY_HEADERS[by]), "text", [row.name for row in rows]),
            (_localised("Code", "编码"), "text", [row.key for row in rows]),
            (_localised("Number of cases", "案件数"), "count", [row.counts["reported"] for row in rows]),
            *[(_localised(ind.label, ind.term), "percent", [row.values[ind.key] for row in rows])
              for ind in indicators],
            (_localised("Score", "综合得分"), "score", [row.score for row in rows]),
            (_localised("Rank", "排名"), "rank", [row.rank for row in rows]),
        ]

    def headers(self) -> list[str]:
        return [header for header, _, _ in self.columns]

    def records(self):
        return zip(*(cells for _, _, cells in self.columns))


def _text(value, kind: str) -> str:
    if value is None:
        return ""
    if kind == "percent":
        return f"{value:.1%}"
    return f"{value:.2f}" if kind == "score" else str(value)


def write_csv(table: Table, output: str | None, stdout) -> None:
    # UTF-8 with a byte-order mark: without it Excel reads the Chinese headers as GBK and garbles them.
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(table.headers())
    kinds = [kind for _, kind, _ in table.columns]
    # Names are neutralised (a unit named "=…" would run as a formula); figures stay figures, a "-" included.
    writer.writerows([neutral(_text(value, kind)) if kind == "text" else _text(value, kind)
                      for value, kind in zip(record, kinds)] for record in table.records())
    _emit("\ufeff" + buffer.getvalue(), output, stdout)


def write_json(table: Table, output: str | None, stdout) -> None:
    objects = [{"code": row.key, "name": row.name, **row.values, "score": row.score, "rank": row.rank,
                "counts": row.counts} for row in table.rows]
    _emit(json.dumps(objects, ensure_ascii=False, indent=2) + "\n", output, stdout)


def write_xlsx(table: Table, output: str, stdout) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = _localised("Evaluation", "考核")
    sheet.append(table.headers())
    for record in table.records():
        sheet.append([neutral(value) for value in record])
    number_formats = {"percent": "0.0%", "score": "0.00", "count": "0", "rank": "0"}
    for index, (header, kind, _) in enumerate(table.columns, start=1):
        sheet.cell(row=1, column=index).font = Font(bold=True)
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(10, 2 * len(header) + 2)
        for cell in sheet[letter][1:]:
            cell.number_format = number_formats.get(kind, "General")
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    book.save(output)


def _emit(text: str, output: str | None, stdout) -> None:
    if output:
        Path(output).write_text(text, encoding="utf-8", newline="")
    else:
        stdout.write(text, ending="")


WRITERS = {"xlsx": write_xlsx, "csv": write_csv, "json": write_json}
