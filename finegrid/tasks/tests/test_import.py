"""`finegrid import-work-report`: a dry run prints or writes the tree and stores nothing; a real
run stores drafts; an edited 任务分解表 comes back with its leaders and 序时进度, or not at all."""

import json

import pytest
from django.utils import translation
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from finegrid.tasks.models import KeyTask, Milestone, SourceDocument

REPORT = ("一、城市管理\n（一）提升市容环境。一是推动背街小巷整治，年底前完成改造50条。二是加快城管执法改革。\n"
          "二、住房保障\n（一）新建保障性住房2000套。\n")


@pytest.fixture(autouse=True)
def english():
    """The messages matched below are the English ones (the default language is Chinese)."""
    with translation.override("en"):
        yield


@pytest.fixture
def report(tmp_path, world):
    path = tmp_path / "报告.txt"
    path.write_text(REPORT, encoding="utf-8")
    return path


def test_a_dry_run_prints_the_tree_and_stores_nothing(report, capsys):
    call_command("import_work_report", str(report), "--dry-run", "--year", "2026")
    tree = json.loads(capsys.readouterr().out)
    assert [node["number"] for node in tree] == ["一", "二"]
    assert {"number", "title", "level", "source", "lead_unit", "co_units", "targets", "children"} <= tree[0].keys()
    assert KeyTask.objects.count() == 0 and SourceDocument.objects.count() == 0


def test_a_real_run_stores_drafts_with_their_passages(report, capsys):
    call_command("import_work_report", str(report), "--year", "2026")
    document = SourceDocument.objects.get()
    assert document.text == REPORT
    leaf = KeyTask.objects.filter(title__contains="背街小巷").first()
    assert leaf.state == KeyTask.State.DRAFT and "背街小巷" in leaf.passage
    assert leaf.planned_end.year == 2026


def test_an_edited_sheet_comes_back_with_leaders_and_schedule(report, tmp_path, world):
    sheet = tmp_path / "任务分解表.xlsx"
    call_command("import_work_report", str(report), "--dry-run", "--format", "xlsx", "--output", str(sheet))
    book = load_workbook(sheet)
    rows = book.active
    rows.cell(3, 3, "leader")  # 牵头区领导 of the first task
    rows.cell(3, 4, "区城市管理局")
    for column, percent in zip(range(7, 11), ("25%", "50%", "75%", "100%")):
        rows.cell(3, column, percent)
    book.save(sheet)
    call_command("import_work_report", str(sheet), "--source", str(report))
    first = KeyTask.objects.get(order=1)
    assert first.leader == world["leader"] and first.unit == world["cgj"]
    assert list(Milestone.objects.filter(task=first).values_list("percent", flat=True)) == [25, 50, 75, 100]
    assert first.passage and first.passage in REPORT


def test_a_bad_sheet_names_its_rows_and_stores_nothing(report, tmp_path):
    sheet = tmp_path / "bad.xlsx"
    call_command("import_work_report", str(report), "--dry-run", "--format", "xlsx", "--output", str(sheet))
    book = load_workbook(sheet)
    book.active.cell(3, 4, "区火星局")
    book.active.cell(4, 1, "1")  # a duplicate number
    book.save(sheet)
    with pytest.raises(CommandError) as refused:
        call_command("import_work_report", str(sheet))
    assert "区火星局" in str(refused.value) and "Row 4" in str(refused.value)
    assert KeyTask.objects.count() == 0


def test_an_unknown_leader_refuses_the_tree(report, tmp_path):
    sheet = tmp_path / "leader.xlsx"
    call_command("import_work_report", str(report), "--dry-run", "--format", "xlsx", "--output", str(sheet))
    book = load_workbook(sheet)
    book.active.cell(3, 3, "张三")
    book.save(sheet)
    with pytest.raises(CommandError, match="no leader"):
        call_command("import_work_report", str(sheet))
    assert KeyTask.objects.count() == 0
