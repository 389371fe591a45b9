import csv
import io
import re
import zipfile

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from finegrid.cases.models import Case
from finegrid.intake.hotline import import_file
from finegrid.intake.models import Receipt

HEADER = ["工单编号", "来电时间", "来电人", "电话", "诉求内容", "地址", "分类", "经度", "纬度"]
GOOD = [
    ["GD001", "2026-11-20 09:30", "张三", "13800001111", "个园门口井盖缺失", "个园", "上水井盖", "", ""],
    ["GD002", "2026/11/20 10:00", "李四", "13900002222", "停水两天了", "", "H0101", "", ""],
    ["GD003", "2026-11-20 11:00:00", "王五", "13700003333", "<script>alert(1)</script>路面塌陷", "", "", "119.4275", "32.4150"],
]
BAD = [
    ["GD004", "昨天", "赵六", "13600004444", "噪音扰民", "个园", "", "", ""],  # not a date
    ["GD005", "2026-11-20 12:00", "孙七", "call me", "漏水", "个园", "", "", ""],  # not a phone
    ["GD006", "2026-11-20 12:30", "周八", "13500005555", "", "", "", "", ""],  # nothing said
    ["GD007", "2026-11-20 13:00", "吴九", "13400006666", "外地问题", "", "", "119.30", "32.30"],  # outside
]


def _csv(tmp_path, rows, encoding="utf-8", name="hotline.csv"):
    path = tmp_path / name
    with path.open("w", encoding=encoding, newline="") as stream:
        csv.writer(stream).writerows([HEADER, *rows])
    return path


def test_good_rows_go_in_and_bad_rows_are_reported_by_number(catalogue, tmp_path):
    outcome = import_file(_csv(tmp_path, GOOD + BAD))
    assert outcome.created == 3 and outcome.duplicates == 0
    reasons = dict(outcome.errors)
    assert set(reasons) == {5, 6, 7, 8}
    assert "reported_at" in reasons[5] and "phone" in reasons[6] and "description" in reasons[7]
    assert "outside" in reasons[8]
    cases = {c.external_id: c for c in Case.objects.all()}
    assert cases["GD001"].category.code == "C0101" and cases["GD001"].area_code.startswith("321002001001001")
    assert cases["GD002"].category.code == "H0101" and cases["GD002"].due_at is not None  # 立案 at import
    assert cases["GD003"].grid.code == "321002002001001" and cases["GD003"].category is None
    assert cases["GD003"].description == "<script>alert(1)</script>路面塌陷"
    assert all(c.channel == "hotline" for c in cases.values())


def test_importing_the_same_file_twice_creates_nothing_new(catalogue, tmp_path):
    path = _csv(tmp_path, GOOD)
    import_file(path)
    again = import_file(path)
    assert again.created == 0 and again.duplicates == 3 and Case.objects.count() == 3 == Receipt.objects.count()


def test_a_row_repeated_inside_the_file_counts_once(catalogue, tmp_path):
    outcome = import_file(_csv(tmp_path, GOOD + GOOD[:1]))
    assert outcome.created == 3 and outcome.duplicates == 1


def test_rows_without_a_work_order_number_are_still_imported_once(catalogue, tmp_path):
    rows = [["", *row[1:]] for row in GOOD]
    path = _csv(tmp_path, rows)
    assert import_file(path).created == 3 and import_file(path).created == 0


def test_a_gbk_file_reads_as_chinese(catalogue, tmp_path):
    import_file(_csv(tmp_path, GOOD, encoding="gbk"))
    assert Case.objects.get(external_id="GD002").description == "停水两天了"


def test_a_header_without_the_appeal_column_is_refused_whole(catalogue, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("编号,时间\n1,2\n", encoding="utf-8")
    outcome = import_file(path)
    assert outcome.created == 0 and "description" in outcome.errors[0][1]


def _xlsx_with_merges_and_formulas(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(['=CONCATENATE("GD","-F1")', "2026-11-20 09:30", "张三", "13800001111", "个园门口井盖缺失", "个园", "上水井盖"])
    sheet.append(["GD-F2", None, "李四", 13900002222, "个园旁边又一个井盖", "个园", None])
    sheet.append(["GD-F3", None, "王五", "13700003333", "个园附近路灯不亮", "个园", None])
    sheet.merge_cells("B2:B4")  # one call time for three calls
    sheet.merge_cells("G2:G4")  # one category for three calls
    path = tmp_path / "hotline.xlsx"
    book.save(path)
    # Excel and WPS save each formula with its computed value; openpyxl does not, so add it.
    _with_saved_formula_value(path, 'CONCATENATE("GD","-F1")', "GD-F1")
    return path


def _with_saved_formula_value(path, formula, value):
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    xml = parts["xl/worksheets/sheet1.xml"].decode()
    # The empty value is <v /> or <v></v>, as the installed XML writer (et_xmlfile, lxml) has it.
    cell = re.compile(r'<c r="A2"><f>' + re.escape(formula) + r"</f><v\s*(?:/>|></v>)")
    assert cell.search(xml), xml
    xml = cell.sub(lambda _: f'<c r="A2" t="str"><f>{formula}</f><v>{value}</v>', xml)
    parts["xl/worksheets/sheet1.xml"] = xml.encode()
    with zipfile.ZipFile(path, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)


def test_excel_merged_cells_and_formulas_are_read_as_a_person_sees_them(catalogue, tmp_path):
    outcome = import_file(_xlsx_with_merges_and_formulas(tmp_path))
    assert outcome.errors == [] and outcome.created == 3
    cases = {c.external_id: c for c in Case.objects.all()}
    assert set(cases) == {"GD-F1", "GD-F2", "GD-F3"}
    assert {c.category.code for c in cases.values()} == {"C0101"}
    assert len({c.reported_at for c in cases.values()}) == 1
    assert cases["GD-F2"].reporter_phone == "13900002222"  # a number cell, not 13900002222.0


def test_the_command_writes_the_error_report_and_says_what_happened(catalogue, tmp_path):
    path = _csv(tmp_path, GOOD + BAD)
    out = io.StringIO()
    call_command("import_hotline", str(path), stdout=out)
    assert "3 cases created, 0 already imported, 4 rows refused" in out.getvalue()
    report = list(csv.reader((tmp_path / "hotline.csv.errors.csv").open(encoding="utf-8-sig")))
    assert report[0] == ["row", "reason"] and [r[0] for r in report[1:]] == ["5", "6", "7", "8"]


def test_a_file_that_is_not_a_spreadsheet_is_a_clear_error(catalogue, tmp_path):
    from django.core.management import CommandError

    fake = tmp_path / "x.xlsx"
    fake.write_bytes(b"MZ not a workbook")
    with pytest.raises(CommandError, match="not a readable .xlsx"):
        call_command("import_hotline", str(fake))
    text = tmp_path / "x.txt"
    text.write_text("a")
    with pytest.raises(CommandError, match="only .csv and .xlsx"):
        call_command("import_hotline", str(text))


@pytest.mark.parametrize("value, expected", [
    ("2026-11-01 08:05", (2026, 11, 1, 8, 5, 0)),
    ("2026/3/9 8:05:07", (2026, 3, 9, 8, 5, 7)),
    ("2026-11-01", (2026, 11, 1, 0, 0, 0)),
    ("2026-11-01T08:05:00+08:00", (2026, 11, 1, 8, 5, 0)),
])
def test_call_times_are_read_in_the_districts_clock(value, expected):
    from django.utils import timezone

    from finegrid.intake.hotline import _moment

    local = timezone.localtime(_moment(value, {}))
    assert (local.year, local.month, local.day, local.hour, local.minute, local.second) == expected


def test_an_impossible_call_time_is_the_rows_error():
    from finegrid.intake.hotline import _moment

    problems = {}
    assert _moment("2026-02-30 08:00", problems) is None and "reported_at" in problems
