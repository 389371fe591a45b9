"""The key task through the engine: storing a draft tree, issue, 签收, progress with its reasons,
adjustment and re-baseline, the daily 督办 pass (colour computed, 督办单, escalation, 催办), roll-up,
two editors, and the 整改台账. Clocks are passed in."""

from datetime import timedelta

import pytest
from django.utils import translation

from finegrid.cases import supervision
from finegrid.cases.machine import Conflict, TransitionError
from finegrid.cases.models import Notice
from finegrid.conftest import make_user
from finegrid.org.models import Role
from finegrid.tasks import rules
from finegrid.tasks.engine import PROBLEMS, TASKS, roll_up
from finegrid.tasks.models import KeyTask, Milestone, Problem, ProgressReport, RuleSet, SupervisionOrder
from finegrid.tasks.store import TreeError, issue_tree, store

from .factories import START, outline

DAY = timedelta(days=1)
S = KeyTask.State


@pytest.fixture(autouse=True)
def english():
    """The messages matched below are the English ones (the default language is Chinese)."""
    with translation.override("en"):
        yield


@pytest.fixture
def tree(world):
    rules.forget()
    document = store(outline(), title="测试报告", actor=world["supervision"], now=START)
    leaf = document.tasks.get(number="一是")
    TASKS.perform(leaf, "edit", world["supervision"], now=START,
                  data={"leader": "leader", "milestones": "2026-03-31:25; 2026-06-30:50; 2026-09-30:75"})
    assert issue_tree(document, world["supervision"], now=START) == []
    return document


def get(document, number):
    return document.tasks.get(number=number)


def test_the_tree_keeps_the_report_structure_and_passages(tree):
    assert [t.number for t in tree.tasks.order_by("order")] == ["一", "一是", "二是", "二", "1"]
    leaf = get(tree, "一是")
    assert leaf.passage == "一是推动园区扩容，年底前建成标准厂房10万平方米。"
    assert leaf.parent == get(tree, "一") and leaf.root == get(tree, "一")
    assert [u.name for u in leaf.co_units.all()] == ["区住房和城乡建设局"]
    assert leaf.targets.get().value == 10
    assert all(t.state == S.ISSUED for t in tree.tasks.all())
    assert Milestone.objects.filter(task=leaf, plan=0).count() == 3


def test_an_unknown_unit_refuses_the_whole_tree(world):
    with pytest.raises(TreeError) as refused:
        store(outline(lead="区火星局"), title="x", now=START)
    assert "区火星局" in refused.value.problems[0] and KeyTask.objects.count() == 0


def test_progress_over_100_or_backwards_needs_a_reason(tree, world):
    leaf, handler = get(tree, "一是"), world["handler_cgj"]
    TASKS.perform(leaf, "confirm", handler, now=START + DAY)
    TASKS.perform(leaf, "report_progress", handler, now=START + 2 * DAY, data={"percent": 40, "done": "开工"})
    with pytest.raises(TransitionError, match="below the last report"):
        TASKS.perform(leaf, "report_progress", handler, now=START + 3 * DAY, data={"percent": 30})
    with pytest.raises(TransitionError, match="over 100"):
        TASKS.perform(leaf, "report_progress", handler, now=START + 3 * DAY, data={"percent": 120})
    TASKS.perform(leaf, "report_progress", handler, now=START + 3 * DAY, data={"percent": 30},
                  reason="上月误报面积")
    assert leaf.progress == 30 and leaf.state == S.IN_PROGRESS
    assert list(ProgressReport.objects.filter(task=leaf).values_list("percent", flat=True)) == [40, 30]


def test_only_the_lead_unit_reports_and_only_a_co_unit_contributes(tree, world):
    leaf = get(tree, "一是")
    with pytest.raises(TransitionError):
        TASKS.perform(leaf, "confirm", world["handler_zjj"], now=START + DAY)
    TASKS.perform(leaf, "confirm", world["handler_cgj"], now=START + DAY)
    TASKS.perform(leaf, "contribute", world["handler_zjj"], now=START + 2 * DAY, data={"done": "完成规划审批"},
                  unit=world["zjj"])
    with pytest.raises(TransitionError):
        TASKS.perform(leaf, "contribute", world["handler_cgj"], now=START + 2 * DAY, data={"done": "x"})


def test_two_editors_one_wins(tree, world):
    leaf = get(tree, "一是")
    first, second = KeyTask.objects.get(pk=leaf.pk), KeyTask.objects.get(pk=leaf.pk)
    TASKS.perform(first, "confirm", world["handler_cgj"], now=START + DAY)
    with pytest.raises(Conflict):
        TASKS.perform(second, "ask_adjustment", world["handler_cgj"], now=START + DAY, reason="口径",
                      data={"kind": "wording"})


def test_lag_colours_yellow_then_red_and_the_red_task_gets_a_supervision_order(tree, world):
    leaf = get(tree, "一是")
    TASKS.perform(leaf, "confirm", world["handler_cgj"], now=START + DAY)
    TASKS.perform(leaf, "report_progress", world["handler_cgj"], now=START + 2 * DAY, data={"percent": 10})
    april = START + timedelta(days=95)  # planned 25 % by 31 March: 10 reported and the first milestone missed
    supervision.tick(april)
    leaf.refresh_from_db()
    assert leaf.alarm == "yellow" and leaf.escalation == 0
    august = START + timedelta(days=220)  # planned about 65 %: more than 30 points behind
    supervision.tick(august)
    leaf.refresh_from_db()
    assert (leaf.alarm, leaf.escalation) == ("red", 1)
    order = SupervisionOrder.objects.get(task=leaf)
    assert order.unit == world["cgj"] and order.response_due > august
    from finegrid.cases.notices import fan_out
    fan_out()
    assert Notice.objects.filter(unit=world["cgj"], kind="supervise").exists()
    assert Notice.objects.filter(recipient=world["leader"], kind="escalate").exists()
    # Unanswered past its deadline: level 2 reaches the leaders.
    supervision.tick(order.response_due + timedelta(hours=1))
    leaf.refresh_from_db()
    assert leaf.escalation == 2


def test_three_milestones_missed_in_a_row_is_red_even_when_close_to_the_curve(tree, world):
    RuleSet.objects.create(valid_from=START - DAY, red_lag=90, yellow_lag=80)
    leaf = get(tree, "一是")
    TASKS.perform(leaf, "confirm", world["handler_cgj"], now=START + DAY)
    TASKS.perform(leaf, "report_progress", world["handler_cgj"], now=START + 2 * DAY, data={"percent": 20})
    supervision.tick(START + timedelta(days=275))  # the three milestones passed, 20 % reached
    leaf.refresh_from_db()
    assert leaf.alarm == "red"


def test_a_late_report_is_chased_once_a_month(tree, world):
    leaf = get(tree, "一是")
    TASKS.perform(leaf, "confirm", world["handler_cgj"], now=START + DAY)
    TASKS.perform(leaf, "report_progress", world["handler_cgj"], now=START + 2 * DAY, data={"percent": 5})
    late = START + timedelta(days=54)  # 28 February, after the 25th, and no February report
    supervision.tick(late)
    supervision.tick(late + timedelta(hours=30))
    leaf.refresh_from_db()
    assert leaf.reminded == "2026-02"
    assert leaf.transitions.filter(action="remind").count() == 1


def test_an_approved_adjustment_rebaselines_and_keeps_the_original(tree, world):
    leaf = get(tree, "一是")
    TASKS.perform(leaf, "ask_adjustment", world["handler_cgj"], now=START + DAY, reason="用地未落实",
                  data={"kind": "follow_up"})
    with pytest.raises(TransitionError):  # a leader who is not the leader in charge
        TASKS.perform(leaf, "approve_adjustment", make_user("leader2", Role.LEADER), now=START + 2 * DAY)
    TASKS.perform(leaf, "approve_adjustment", world["leader"], now=START + 2 * DAY,
                  data={"deadline": "2027-06-30", "milestones": "2026-12-31:50"})
    assert leaf.state == S.CONFIRMED and leaf.plan == 1 and leaf.adjustment_count == 1
    assert Milestone.objects.filter(task=leaf, plan=0).count() == 3
    assert list(Milestone.objects.filter(task=leaf, plan=1).values_list("percent", flat=True)) == [50]


def test_roll_up_by_weight_counts_a_cancelled_child_as_done(tree, world):
    first, second = get(tree, "一是"), get(tree, "二是")
    KeyTask.objects.filter(pk=first.pk).update(weight=3)
    TASKS.perform(first, "confirm", world["handler_cgj"], now=START + DAY)
    TASKS.perform(first, "report_progress", world["handler_cgj"], now=START + 2 * DAY, data={"percent": 40})
    roll_up()
    assert get(tree, "一").rolled == 30.0  # (3 × 40 + 1 × 0) / 4
    TASKS.perform(second, "cancel", world["supervision"], now=START + 3 * DAY, reason="并入一是")
    roll_up()
    assert get(tree, "一").rolled == 55.0  # (3 × 40 + 1 × 100) / 4


def test_a_leader_takes_a_task_in_charge(tree, world):
    leaf = get(tree, "一是")
    TASKS.perform(leaf, "take", world["leader"], now=START + DAY)
    assert leaf.owner == world["leader"]
    assert [a.name for a in TASKS.allowed(leaf, world["leader"])] == []


def test_a_ledger_problem_closes_only_with_evidence_and_approval(world):
    problem = PROBLEMS.open(Problem(ledger="省委巡视反馈", source="inspection", number="1", description="招商项目落地率低",
                                    measures="建立项目推进台账", closing_condition="落地率达到80%", unit=world["cgj"],
                                    opened_at=START, due_at=START + 30 * DAY, next_check_at=START), "register",
                            now=START)
    with pytest.raises(TransitionError):
        PROBLEMS.perform(problem, "submit", world["handler_cgj"], now=START + DAY, data={"evidence": " "})
    with pytest.raises(TransitionError):
        PROBLEMS.perform(problem, "submit", world["handler_zjj"], now=START + DAY, data={"evidence": "台账"})
    supervision.tick(START + 31 * DAY)
    problem.refresh_from_db()
    assert problem.alarm == "red"
    PROBLEMS.perform(problem, "submit", world["handler_cgj"], now=START + 32 * DAY, data={"evidence": "落地率82%"})
    with pytest.raises(TransitionError):
        PROBLEMS.perform(problem, "close", world["handler_cgj"], now=START + 33 * DAY)
    PROBLEMS.perform(problem, "close", world["supervision"], now=START + 33 * DAY)
    assert problem.state == Problem.State.CLOSED and problem.closed_at is not None


def test_quiet_mornings_are_claimed_in_grouped_updates(tree, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for task in tree.tasks.filter(unit__isnull=False):
        TASKS.perform(task, "confirm", world["handler_cgj"] if task.unit == world["cgj"] else world["handler_zjj"],
                      now=START + DAY)
    supervision.tick(START + DAY, models=(KeyTask,))  # the first look after 签收
    with CaptureQueriesContext(connection) as seen:
        counts = supervision.tick(START + 3 * DAY, models=(KeyTask,))
    assert counts["claimed"] == 3 and counts["yellow"] == counts["red"] == 0
    assert len(seen) <= 6  # the due rows, one read of them, one UPDATE per group: never one per task
    assert not KeyTask.objects.filter(next_check_at__lte=START + 3 * DAY).exists()
