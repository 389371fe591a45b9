"""Reading an uploaded spreadsheet: xlsx (by its content, not its name) or CSV in UTF-8 or GBK,
into numbered rows of {column name: text}. Headers may be written in any of the site's languages."""

import csv
import io
from zipfile import BadZipFile

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000


class TableError(ValueError):
    """The file as a whole cannot be read (its row-level problems are reported row by row)."""


def read(upload, columns) -> list[tuple[int, dict]]:
    """(row number as the spreadsheet shows it, {column name: stripped text}) for each non-empty row."""
    if upload is None:
        raise TableError(_("Choose a file to import."))
    if upload.size > MAX_BYTES:
        raise TableError(_("The file is larger than %(mb)d MB.") % {"mb": MAX_BYTES // (1024 * 1024)})
    data = upload.read()
    grid = _xlsx(data) if data[:4] == b"PK\x03\x04" else _csv(data)
    if not grid:
        raise TableError(_("The file is empty."))
    names = _column_names(grid[0], columns)
    rows = []
    for number, cells in enumerate(grid[1:], start=2):
        values = {name: _text(cells[i]) if i < len(cells) else "" for i, name in names.items()}
        if any(values.values()):
            rows.append((number, values))
    if len(rows) > MAX_ROWS:
        raise TableError(_("At most %(n)d rows can be imported at once.") % {"n": MAX_ROWS})
    return rows


def _xlsx(data: bytes) -> list[list]:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (BadZipFile, InvalidFileException, KeyError, ValueError, OSError):  # a damaged or foreign zip
        raise TableError(_("The file is not a readable Excel workbook (xlsx)."))
    return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]


def _csv(data: bytes) -> list[list]:
    for encoding in ("utf-8-sig", "gbk"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise TableError(_("The file is neither an Excel workbook nor a CSV file in UTF-8 or GBK."))
    if "\x00" in text:
        raise TableError(_("The file is neither an Excel workbook nor a CSV file in UTF-8 or GBK."))
    return list(csv.reader(io.StringIO(text)))


def _column_names(header: list, columns) -> dict[int, str]:
    """Position → column name, matching each header against the column's title in every language."""
    titles = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for column in columns:
                titles[_normal(str(column.title))] = column.name
    for column in columns:
        titles[_normal(column.name)] = column.name
    found = {i: titles[_normal(_text(cell))] for i, cell in enumerate(header) if _normal(_text(cell)) in titles}
    missing = [str(c.title) for c in columns if c.required and c.name not in found.values()]
    if missing:
        raise TableError(_("The first row must name the columns; missing: %(columns)s") % {"columns": "、".join(missing)})
    return found


def _normal(text: str) -> str:
    return "".join(text.split()).lower()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel stores 400 households as 400.0
    if hasattr(value, "date") and callable(value.date):
        value = value.date()  # an Excel date cell
    return str(value).strip()
