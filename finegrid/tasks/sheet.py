"""The 任务分解表 as a district office keeps it: one row per task, numbered 1, 1.1, 1.1.1 …, with
its leader in charge, lead and co-units, deadline, 序时进度 by quarter and 量化指标.

`write_sheet` turns a draft tree into the sheet; `read_sheet` takes an edited sheet back, all or
nothing: every bad row is named with its number and reason in one SheetError, and nothing of a
sheet with a bad row is used."""

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font

from .outline import Node, Outline, Source, Target

QUARTERS = ["一季度", "二季度", "三季度", "四季度"]
COLUMNS = ["序号", "工作任务", "牵头区领导", "牵头单位", "配合单位", "完成时限", *QUARTERS, "量化指标", "原文编号", "原文位置"]
SCHEDULE_HEADER = "序时进度"
HEADER_ROWS = 2  # 序时进度 spans the four quarter columns above their names
SYMBOLS = {">=": "≥", "<=": "≤", "=": "=", ">": ">", "<": "<"}
COMPARATOR_OF = {symbol: comparator for comparator, symbol in SYMBOLS.items()} | {">=": ">=", "<=": "<="}
TARGET_TEXT = re.compile(r"^(.+?)(≥|≤|>=|<=|=|>|<)(\d+(?:\.\d+)?)(.*)$")
NUMBER = re.compile(r"^\d+(?:\.\d+)*$")
UNIT_SEPARATORS = re.compile(r"[、，,；;\s]+")
DATE_TEXT = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
SOURCE_TEXT = re.compile(r"^(\d+)-(\d+)$")


class SheetError(ValueError):
    """An edited sheet with bad rows: `problems` is [(sheet row, 序号, reason)], every one of them."""

    def __init__(self, problems):
        self.problems = problems
        lines = [_("Row %(row)s (序号 %(number)s): %(reason)s") % {"row": r, "number": n or "—", "reason": reason}
                 for r, n, reason in problems]
        super().__init__(_("The sheet was not imported; fix these rows:") + "\n" + "\n".join(lines))


@dataclass
class Row:
    number: str  # 1, 1.2, 1.2.3: the place in the tree
    title: str
    leader: str = ""
    lead_unit: str = ""
    co_units: list[str] = field(default_factory=list)
    deadline: str = ""
    schedule: list[str] = field(default_factory=lambda: [""] * 4)
    targets: list[Target] = field(default_factory=list)
    source_number: str = ""  # the report's own numbering: 一, （二）, 三是
    source: Source | None = None
    sheet_row: int = 0


# --- writing ---------------------------------------------------------------------------


def rows_of(outline: Outline) -> list[Row]:
    rows = []

    def visit(nodes, prefix):
        for index, node in enumerate(nodes, 1):
            number = f"{prefix}.{index}" if prefix else str(index)
            schedule = (list(node.schedule) + [""] * 4)[:4]
            rows.append(Row(number, node.title, node.leader, node.lead_unit, list(node.co_units), node.deadline,
                            schedule, list(node.targets), node.number, node.source))
            visit(node.children, number)

    visit(outline.nodes, "")
    return rows


def write_sheet(outline_or_rows, path_or_stream) -> None:
    rows = rows_of(outline_or_rows) if isinstance(outline_or_rows, Outline) else list(outline_or_rows)
    book = Workbook()
    sheet = book.active
    sheet.title = "任务分解表"
    _header(sheet)
    for row in rows:
        sheet.append([row.number, row.title, row.leader, row.lead_unit, "、".join(row.co_units), row.deadline,
                      *row.schedule, "；".join(_target_text(t) for t in row.targets), row.source_number,
                      f"{row.source.start}-{row.source.end}" if row.source else ""])
    for column, width in zip("ABCDEFGHIJKLM", (9, 60, 12, 22, 30, 12, 10, 10, 10, 10, 36, 8, 12)):
        sheet.column_dimensions[column].width = width
    for cells in sheet.iter_rows(min_row=HEADER_ROWS + 1, min_col=2, max_col=2):
        cells[0].alignment = Alignment(wrap_text=True, vertical="top")
    book.save(path_or_stream)


def _header(sheet) -> None:
    first = [name if name not in QUARTERS else "" for name in COLUMNS]
    first[COLUMNS.index(QUARTERS[0])] = SCHEDULE_HEADER
    sheet.append(first)
    sheet.append([name if name in QUARTERS else "" for name in COLUMNS])
    start = COLUMNS.index(QUARTERS[0]) + 1
    sheet.merge_cells(start_row=1, start_column=start, end_row=1, end_column=start + 3)
    for column, name in enumerate(COLUMNS, 1):
        if name not in QUARTERS:
            sheet.merge_cells(start_row=1, start_column=column, end_row=2, end_column=column)
    for cells in sheet.iter_rows(min_row=1, max_row=2):
        for cell in cells:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center")


def _target_text(target: Target) -> str:
    if target.value is None:
        return target.text
    return f"{target.indicator}{SYMBOLS.get(target.comparator, '=')}{target.value:g}{target.unit}"


# --- reading ---------------------------------------------------------------------------


def read_sheet(file, known_units) -> list[Row]:
    """The rows of an edited sheet, or a SheetError naming every bad row. `known_units` are the
    names a lead or co-unit may have (None: any)."""
    try:
        book = load_workbook(file)  # formulas stay formulas: a computed cell is refused, not trusted
    except Exception as error:  # openpyxl raises many kinds for a file that is no workbook
        raise SheetError([(0, "", _("the file is not an Excel workbook (%(error)s)") % {"error": error})]) from error
    sheet = book.worksheets[0]
    header = [str(cell.value or "").strip() for cell in next(sheet.iter_rows(max_row=1, max_col=2))]
    if header != COLUMNS[:2]:
        raise SheetError([(1, "", _("the first row is not the 任务分解表's header (序号, 工作任务, …)"))])
    known = None if known_units is None else set(known_units)
    problems, rows, seen = [], [], {}
    merged = _merged_rows(sheet)
    for index, cells in enumerate(sheet.iter_rows(min_row=HEADER_ROWS + 1, max_col=len(COLUMNS)), HEADER_ROWS + 1):
        values = [cell.value for cell in cells] + [None] * (len(COLUMNS) - len(cells))
        if all(v in (None, "") for v in values):
            continue
        row, reasons = _row(index, cells, values, known, seen, index in merged)
        problems += [(index, row.number, reason) for reason in reasons]
        if NUMBER.match(row.number) and row.number not in seen:
            seen[row.number] = index  # a refused row still holds its number: a later copy is a duplicate
        rows.append(row)
    if problems:
        raise SheetError(problems)
    return rows


def _merged_rows(sheet) -> set[int]:
    rows = set()
    for cells in sheet.merged_cells.ranges:
        if cells.max_row > HEADER_ROWS:
            rows.update(range(max(cells.min_row, HEADER_ROWS + 1), cells.max_row + 1))
    return rows


def _row(index, cells, values, known, seen, merged) -> tuple[Row, list[str]]:
    reasons = []
    if merged:
        reasons.append(_("merged cells: give every row its own cells"))
    for cell, name in zip(cells, COLUMNS):
        if cell.data_type == "f" or str(cell.value or "").startswith("="):
            reasons.append(_("a formula in %(column)s: type the value instead") % {"column": name})
    text = [("" if v is None else str(v).strip()) for v in values]
    number, title = _number(values[0]), text[1]
    row = Row(number=number, title=title, leader=text[2], lead_unit=text[3],
              co_units=[u for u in UNIT_SEPARATORS.split(text[4]) if u], schedule=text[6:10],
              source_number=text[11], sheet_row=index)
    reasons += _number_reasons(number, seen)
    if not title:
        reasons.append(_("the task (工作任务) is empty"))
    for unit in ([row.lead_unit] if row.lead_unit else []) + row.co_units:
        if known is not None and unit not in known:
            reasons.append(_("unknown unit %(unit)s") % {"unit": unit})
    row.deadline, bad_date = _deadline(values[5])
    if bad_date:
        reasons.append(_("the deadline %(value)s is not a date (write 2026-06-30)") % {"value": text[5]})
    row.targets = [_target(item) for item in re.split(r"[；;\n]+", text[10]) if item.strip()]
    row.source, bad_source = _source(text[12])
    if bad_source:
        reasons.append(_("the source position %(value)s is not start-end") % {"value": text[12]})
    return row, reasons


def _number(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel keeps 3 as 3.0
    return "" if value is None else str(value).strip()


def _number_reasons(number: str, seen: dict) -> list[str]:
    if not NUMBER.match(number):
        return [_("the number (序号) %(number)s is not like 1, 1.2 or 1.2.3") % {"number": number or "—"}]
    if number in seen:
        return [_("the number %(number)s is already used in row %(row)s") % {"number": number, "row": seen[number]}]
    parent = number.rpartition(".")[0]
    if parent and parent not in seen:
        return [_("no row %(parent)s above it to belong to") % {"parent": parent}]
    return []


def _deadline(value) -> tuple[str, bool]:
    if value in (None, ""):
        return "", False
    if isinstance(value, datetime):
        return value.date().isoformat(), False
    if isinstance(value, date):
        return value.isoformat(), False
    match = DATE_TEXT.match(str(value).strip())
    if not match:
        return "", True
    try:
        return date(*map(int, match.groups())).isoformat(), False
    except ValueError:
        return "", True


def _target(item: str) -> Target:
    item = item.strip()
    match = TARGET_TEXT.match(item)
    if not match:
        return Target(text=item, indicator=item, value=None, unit="", comparator="=")
    indicator, symbol, value, unit = match.groups()
    return Target(text=item, indicator=indicator.strip(), value=float(value), unit=unit.strip(),
                  comparator=COMPARATOR_OF[symbol])


def _source(value: str) -> tuple[Source | None, bool]:
    if not value:
        return None, False
    match = SOURCE_TEXT.match(value)
    if not match or int(match.group(1)) > int(match.group(2)):
        return None, True
    return Source(int(match.group(1)), int(match.group(2))), False


# --- back to a tree ----------------------------------------------------------------------


def outline_from_rows(rows: list[Row], text: str = "") -> Outline:
    """The tree the rows' numbers describe; a row without a source position gets an empty one."""
    by_number, roots = {}, []
    for row in rows:
        level = row.number.count(".") + 1
        node = Node(number=row.source_number or row.number.rpartition(".")[2], title=row.title, level=level,
                    source=row.source or Source(0, 0), lead_unit=row.lead_unit, co_units=list(row.co_units),
                    targets=list(row.targets), deadline=row.deadline, leader=row.leader,
                    schedule=list(row.schedule) if any(row.schedule) else [])
        by_number[row.number] = node
        parent = row.number.rpartition(".")[0]
        (by_number[parent].children if parent else roots).append(node)
    return Outline(text=text, nodes=roots)
