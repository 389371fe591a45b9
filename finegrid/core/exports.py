"""Every list of the console and of every app exports to Excel (xlsx) and CSV with the filters it
is showing: a view hands its rows here, with the same queryset it renders, only unpaged. It lives in
core, below every app, so an app's lists export the same way without copying it."""

import csv
import io

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook

from finegrid.core.cells import neutral

FORMATS = ("csv", "xlsx")
MAX_ROWS = 100_000  # one export; beyond it the file says it was cut, and the filters should narrow


class _Echo:
    def write(self, value):
        return value


def respond(fmt: str, name: str, header: list[str], rows) -> HttpResponse:
    """`rows`: an iterable of lists of plain values, already limited by the caller's filters."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    filename = f"{name}-{stamp}.{fmt}"
    if fmt == "csv":
        lines = _in_language(translation.get_language(), _csv_lines(header, rows))
        response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(_xlsx(header, rows),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _capped(rows):
    for n, row in enumerate(rows):
        if n == MAX_ROWS:
            yield [_("… cut at %(n)d rows: narrow the filters") % {"n": MAX_ROWS}]
            return
        yield row


def _in_language(language, lines):
    """A streamed body is written after the view has returned and the request's language has been
    put back: without this, its headers and labels came out in English for a Chinese reader."""
    with translation.override(language):
        yield from lines


def _csv_lines(header, rows):
    writer = csv.writer(_Echo())
    yield "\ufeff"  # a byte-order mark, so Excel opens the Chinese text as UTF-8
    yield writer.writerow(header)
    for row in _capped(rows):
        yield writer.writerow([_plain(v) for v in row])


def _xlsx(header, rows) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(header)
    for row in _capped(rows):
        sheet.append([_plain(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _plain(value):
    if hasattr(value, "tzinfo") and value.tzinfo is not None:
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if value is None:
        return ""
    if isinstance(value, (int, float)):
        return value
    return neutral(str(value))  # a cell starting like a formula would run in the reader's spreadsheet
