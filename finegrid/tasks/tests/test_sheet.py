"""The 任务分解表: written from a draft tree, read back whole, refused row by row when edited badly."""

import io

import pytest
from django.utils import translation
from openpyxl import load_workbook

from finegrid.demo.staff import demo_units
from finegrid.tasks.decompose import decompose
from finegrid.tasks.sheet import COLUMNS, SheetError, outline_from_rows, read_sheet, write_sheet
from finegrid.tasks.tests.test_decompose import SHORT


@pytest.fixture(autouse=True)
def english():
    """The messages are asserted in their English msgids, whatever the catalogue installed."""
    with translation.override("en"):
        yield


UNITS = [name for name, _ in demo_units()]


def _shape(nodes):
    return [(n.number, n.title, n.level, n.lead_unit, n.co_units, n.deadline, n.leader, n.schedule,
             (n.source.start, n.source.end), [(t.indicator, t.comparator, t.value, t.unit) for t in n.targets],
             _shape(n.children)) for n in nodes]


def _sheet(outline):
    stream = io.BytesIO()
    write_sheet(outline, stream)
    stream.seek(0)
    return stream


def test_write_then_read_gives_the_same_tree():
    outline = decompose(SHORT, units=demo_units(), year=2026)
    outline.nodes[1].leader = "王副区长"
    outline.nodes[1].schedule = ["25%", "50%", "75%", "完成"]
    rows = read_sheet(_sheet(outline), UNITS)
    assert _shape(outline_from_rows(rows, SHORT).nodes) == _shape(outline.nodes)


def test_the_sheet_has_the_offices_columns():
    sheet = load_workbook(_sheet(decompose(SHORT, year=2026))).active
    first, second = ([c.value for c in row] for row in sheet.iter_rows(max_row=2))
    assert first[:6] == COLUMNS[:6] and first[6] == "序时进度"
    assert second[6:10] == ["一季度", "二季度", "三季度", "四季度"] and first[10] == "量化指标"
    assert sheet.cell(3, 1).value == "1" and sheet.cell(4, 1).value == "1.1"


def _edited(edit):
    stream = _sheet(decompose(SHORT, units=demo_units(), year=2026))
    book = load_workbook(stream)
    edit(book.active)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def test_every_bad_row_is_named_with_its_number_and_reason_and_nothing_is_taken():
    def edit(sheet):
        sheet.merge_cells("D4:E4")  # merged cells
        sheet["F5"] = "=TODAY()"  # a formula
        sheet["D6"] = "区火星开发局"  # an unknown unit
        sheet["A7"] = "1.1"  # a duplicate number
        sheet["F8"] = "六月底"  # a bad date
        sheet["F9"] = "2026-02-30"  # no such day

    with pytest.raises(SheetError) as caught:
        read_sheet(_edited(edit), UNITS)
    problems = caught.value.problems
    reasons = {}
    for row, _, reason in problems:
        reasons[row] = reasons.get(row, "") + reason + " "
    assert "merged" in reasons[4] and "formula" in reasons[5] and "区火星开发局" in reasons[6]
    assert "already used in row 4" in reasons[7] and "not a date" in reasons[8] and "not a date" in reasons[9]
    assert "Row 6 (序号 1.1.2)" in str(caught.value)


def test_a_clean_edit_is_taken_whole():
    def edit(sheet):
        sheet["C3"] = "李副区长"
        sheet["F4"] = "2026年9月30日"
        sheet["E4"] = "区发展和改革委员会、区财政局"

    rows = read_sheet(_edited(edit), UNITS)
    assert rows[0].leader == "李副区长" and rows[1].deadline == "2026-09-30"
    assert rows[1].co_units == ["区发展和改革委员会", "区财政局"]


def test_a_file_that_is_no_workbook_is_refused():
    with pytest.raises(SheetError):
        read_sheet(io.BytesIO(b"not a workbook"), UNITS)


def test_a_sheet_of_another_shape_is_refused():
    def edit(sheet):
        sheet.delete_rows(1, 2)

    with pytest.raises(SheetError, match="header"):
        read_sheet(_edited(edit), UNITS)
