"""A task past its final deadline and not done is red, however close to done it is."""

from datetime import timedelta

import pytest
from django.utils import translation

from finegrid.cases import supervision
from finegrid.tasks import rules
from finegrid.tasks.engine import TASKS
from finegrid.tasks.store import issue_tree, store

from .factories import START, outline

DAY = timedelta(days=1)


@pytest.fixture
def tree(world):
    rules.forget()
    with translation.override("en"):
        document = store(outline(), title="测试报告", actor=world["supervision"], now=START)
        assert issue_tree(document, world["supervision"], now=START) == []
    return document


def test_a_task_months_past_its_deadline_at_78_percent_is_red(tree, world):
    task = tree.tasks.get(number="二是")  # due 2026-06-30, no milestones
    TASKS.perform(task, "confirm", world["handler_cgj"], now=START + DAY)
    TASKS.perform(task, "report_progress", world["handler_cgj"], now=START + 150 * DAY, data={"percent": 78})
    supervision.tick(START + 150 * DAY + timedelta(hours=20))  # early June: a few points behind, green
    task.refresh_from_db()
    assert task.alarm == ""
    # November, five months past the deadline, still 78 %: 22 points behind alone would be yellow.
    supervision.tick(START + 320 * DAY)
    task.refresh_from_db()
    assert task.alarm == "red" and task.escalation == 1


def test_the_colour_rule_itself():
    assert rules.colour(0, 0, rules.DEFAULT, overdue=True) == "red"
    assert rules.colour(22, 0, rules.DEFAULT) == "yellow"


def test_a_past_months_bulletin_shows_the_statuses_as_they_stood_at_its_end(tree, world):
    from finegrid.tasks.engine import roll_up
    from finegrid.tasks.report import month_figures

    task = tree.tasks.get(number="二是")  # due 2026-06-30
    TASKS.perform(task, "confirm", world["handler_cgj"], now=START + DAY)
    TASKS.perform(task, "report_progress", world["handler_cgj"], now=START + 30 * DAY, data={"percent": 10})
    roll_up()
    supervision.tick(START + 100 * DAY)  # mid-April: far behind → red
    task.refresh_from_db()
    assert task.alarm == "red"
    TASKS.perform(task, "report_progress", world["handler_cgj"], now=START + 130 * DAY, data={"percent": 100})
    roll_up()
    task.refresh_from_db()
    TASKS.perform(task, "close", world["supervision"], now=START + 131 * DAY)
    later = START + 200 * DAY
    april = month_figures("2026-04", now=later)
    assert april["total"]["red"] == 1 and april["total"]["done"] == 0
    lagging = {r["task"].number: (r["task"].alarm, r["progress"]) for r in april["lagging"]}
    assert lagging["二是"] == ("red", 10)  # today it is done at 100 %
    section = next(s for s in april["sections"] if s["task"].number == "一")
    assert section["red"] == 1
    today = month_figures("2026-07", now=later)  # the running month: today's standing
    assert today["total"]["red"] == 0 and today["total"]["done"] == 1
    january = month_figures("2025-12", now=later)  # before the tree existed
    assert january["total"]["n"] == 0
