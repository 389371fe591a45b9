"""The 督查室's review of a draft tree (merge, split) and key tasks measured by linked data
(the cases closed in a category and an area, a monthly figure), through the machine."""

from datetime import timedelta

import pytest
from django.utils import translation

from finegrid.cases import supervision
from finegrid.cases.machine import TransitionError
from finegrid.cases.models import Case
from finegrid.tasks import measures, rules
from finegrid.tasks.apps import TasksConfig
from finegrid.tasks.engine import TASKS, roll_up, step
from finegrid.tasks.models import KeyTask, MonthlyFigure, TaskMeasure
from finegrid.org.roles import Role
from finegrid.tasks.store import issue_tree, store

from .factories import START, TEXT, outline

DAY = timedelta(days=1)
S = KeyTask.State


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def draft(world):
    rules.forget()
    return store(outline(), title="测试报告", actor=world["supervision"], now=START)


def test_merging_two_drafts_keeps_both_passages_and_targets_and_says_who(draft, world):
    first, second = draft.tasks.get(number="一是"), draft.tasks.get(number="二是")
    TASKS.perform(first, "merge", world["supervision"], now=START, data={"other": str(second.pk)})
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.passages() == ["一是推动园区扩容，年底前建成标准厂房10万平方米。", "二是加快城管执法改革。"]
    assert [TEXT[a:b] for a, b in first.more_sources] == ["二是加快城管执法改革。"]
    assert first.targets.count() == 1 and first.weight == 2
    assert second.state == S.CANCELLED and second.weight == 0
    merged = first.transitions.get(action="merge")
    assert merged.actor == world["supervision"] and merged.data == {"other": str(second.pk)}
    assert second.transitions.get(action="merged_away").actor == world["supervision"]
    # The parent rolls up the merged task alone: the one merged away is not counted as done.
    TASKS.perform(first, "issue", world["supervision"], now=START)
    KeyTask.objects.filter(pk=first.pk).update(progress=50)
    roll_up()
    assert draft.tasks.get(number="一").rolled == 50.0


def test_only_drafts_of_one_report_merge_and_a_unit_may_not(draft, world):
    first, second = draft.tasks.get(number="一是"), draft.tasks.get(number="二是")
    with pytest.raises(TransitionError):
        TASKS.perform(first, "merge", world["handler_cgj"], now=START, data={"other": str(second.pk)})
    with pytest.raises(TransitionError, match="no other task"):
        TASKS.perform(first, "merge", world["supervision"], now=START, data={"other": str(first.pk)})
    TASKS.perform(second, "issue", world["supervision"], now=START)
    with pytest.raises(TransitionError, match="only a draft"):
        TASKS.perform(first, "merge", world["supervision"], now=START, data={"other": str(second.pk)})


def test_splitting_gives_children_that_keep_their_part_of_the_passage(draft, world):
    first = draft.tasks.get(number="一是")
    with pytest.raises(TransitionError, match="not in the rest"):
        TASKS.perform(first, "split", world["supervision"], now=START, data={"cuts": "招商"})
    TASKS.perform(first, "split", world["supervision"], now=START, data={"cuts": "年底前"})
    parts = list(first.children.order_by("order"))
    assert [p.passage for p in parts] == ["一是推动园区扩容，", "年底前建成标准厂房10万平方米。"]
    assert [p.title for p in parts] == ["一是推动园区扩容", "年底前建成标准厂房10万平方米"]
    assert parts[1].targets.get().indicator == "标准厂房" and not parts[0].targets.exists()
    assert all(p.state == S.DRAFT and p.unit == first.unit and p.parent_id == first.pk for p in parts)
    assert [p.number for p in parts] == ["一是.1", "一是.2"]
    assert parts[0].transitions.get().data == {"split_from": first.pk}
    assert first.transitions.get(action="split").actor == world["supervision"]
    first.refresh_from_db()
    assert first.branch
    order = [t.number for t in draft.tasks.order_by("order")]
    assert order == ["一", "一是", "一是.1", "一是.2", "二是", "二", "1"]
    assert issue_tree(draft, world["supervision"], now=START) == []


def test_the_registry_of_measures_collects_every_apps_sources():
    assert {"cases_closed", "monthly_figure"} <= set(measures.sources())
    assert {"category", "area", "indicator"} <= set(measures.param_names())


def test_a_task_measured_by_cases_closed_takes_its_progress_and_colour_from_them(draft, world):
    task = draft.tasks.get(number="二是")  # due 2026-06-30
    TASKS.perform(task, "link_measure", world["supervision"], now=START,
                  data={"source": "cases_closed", "target": "4", "category": "C01", "area": "3210"})
    issue_tree(draft, world["supervision"], now=START)
    task.refresh_from_db()
    TASKS.perform(task, "confirm", world["handler_cgj"], now=START + DAY)
    for n in range(3):
        Case.objects.create(ticket=f"T{n}", channel="patrol", title="井盖", category=world["category"],
                            area_code="321002001", state=Case.State.CLOSED, reported_at=START + DAY,
                            closed_at=START + (n + 2) * DAY)
    Case.objects.create(ticket="T9", channel="patrol", title="别处", category=world["category"], area_code="999",
                        state=Case.State.CLOSED, reported_at=START + DAY, closed_at=START + 2 * DAY)
    with pytest.raises(TransitionError, match="measured by linked data"):
        TASKS.perform(task, "report_progress", world["handler_cgj"], now=START + 5 * DAY, data={"percent": 10})
    assert step(START + 10 * DAY)["measured"] == 1
    task.refresh_from_db()
    assert (task.progress, task.state) == (75, S.IN_PROGRESS)
    assert TaskMeasure.objects.get(task=task).value == 3
    assert step(START + 11 * DAY)["measured"] == 0  # nothing moved, no step
    assert draft.tasks.get(number="一").rolled == 37.5  # (0 + 75) / 2
    supervision.tick(START + 170 * DAY)  # late June: planned ~97 %, 75 % measured → yellow
    task.refresh_from_db()
    assert task.alarm == "yellow"


def test_a_task_measured_by_a_monthly_figure(draft, world):
    task = draft.tasks.get(number="1")
    with pytest.raises(TransitionError, match="needs Indicator"):
        TASKS.perform(task, "link_measure", world["supervision"], now=START,
                      data={"source": "monthly_figure", "target": "4500"})
    TASKS.perform(task, "link_measure", world["supervision"], now=START,
                  data={"source": "monthly_figure", "target": "4500", "indicator": "新增城镇就业"})
    issue_tree(draft, world["supervision"], now=START)
    task.refresh_from_db()
    TASKS.perform(task, "confirm", world["handler_zjj"], now=START + DAY)
    for month, value in (("2026-01", 300), ("2026-02", 900), ("2026-03", 1800)):
        MonthlyFigure.objects.create(indicator="新增城镇就业", month=month, value=value, entered_at=START)
    step(START + 40 * DAY)  # mid-February: the February figure
    task.refresh_from_db()
    assert task.progress == 20


def test_the_app_names_its_roles_by_the_role_values():
    roles = {role for _label, _url, allowed in TasksConfig.nav_links for role in allowed}
    assert roles and all(isinstance(role, Role) for role in roles)
