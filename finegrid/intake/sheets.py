"""Rows of a hotline export, streamed from CSV (UTF-8 or GBK/GB18030) or Excel (.xlsx).

Excel's merged cells keep their value in the top-left cell only; every cell of a merged range
reads that value here (a 来电时间 merged over three rows belongs to all three). Formulas read as
the value Excel or WPS saved with them."""

import codecs
import csv
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from xml.etree.ElementTree import iterparse

from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries

SNIFF_BYTES = 1 << 20


class SheetError(ValueError):
    """A file that cannot be read at all (no header, unknown type); rows are judged one by one."""


def rows_of(path) -> Iterator[tuple[int, list]]:
    """(row number as a person sees it, cell values) for every row, the header row first."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _csv_rows(path)
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx_rows(path)
    raise SheetError(f"{path.name}: only .csv and .xlsx files are imported")


def encoding_of(path: Path) -> str:
    """UTF-8 (with or without BOM) when the first megabyte decodes as UTF-8, else GB18030 (GBK's superset)."""
    head = path.open("rb").read(SNIFF_BYTES)
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(head, final=False)  # a character cut at the megabyte's end is not an error
        return "utf-8-sig"
    except UnicodeDecodeError:
        return "gb18030"


def _csv_rows(path: Path):
    with path.open(encoding=encoding_of(path), errors="replace", newline="") as stream:
        for number, row in enumerate(csv.reader(stream), start=1):
            yield number, row


def _xlsx_rows(path: Path):
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        raise SheetError(f"{path.name}: not a readable .xlsx file ({error.__class__.__name__})") from error
    try:
        sheet = book.worksheets[0]
        merged = _merged_ranges(book, sheet)
        fills: dict = {}
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            values = list(cells)
            if merged:
                _fill_merged(number, values, merged, fills)
            yield number, values
    finally:
        book.close()


def _merged_ranges(book, sheet) -> list[tuple[int, int, int, int]]:
    """(min_col, min_row, max_col, max_row) of each merged range, read from the sheet's XML
    (openpyxl's read-only mode, which streams, does not expose them)."""
    ranges = []
    with book._archive.open(sheet._worksheet_path) as source:
        for _, element in iterparse(source):
            tag = element.tag.rsplit("}", 1)[-1]
            if tag == "mergeCell":
                ranges.append(range_boundaries(element.get("ref")))
            elif tag == "row":
                element.clear()  # keep memory flat on a million-row sheet
    return ranges


def _fill_merged(number: int, values: list, merged, fills: dict) -> None:
    for min_col, min_row, max_col, max_row in merged:
        if not min_row <= number <= max_row:
            continue
        if number == min_row:
            fills[(min_col, min_row)] = values[min_col - 1] if min_col - 1 < len(values) else None
        value = fills.get((min_col, min_row))
        values.extend([None] * (max_col - len(values)))
        for col in range(min_col, max_col + 1):
            values[col - 1] = value


def as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel stores a phone number or a work-order number as 13800005678.0
    return str(value).strip()
