"""The engine's machinery on models other than Case (tests/shapes): a petition whose clocks follow
one another, with a window on the petitioner's side and hearings that do not count, and a key task
whose lag is measured against its planned progress. Deadlines, escalation, notices, replay and
evaluation come from the engine; the shapes only describe their actions and plans."""

from datetime import UTC, datetime, timedelta

import pytest

from finegrid.cases import supervision
from finegrid.cases.machine import TransitionError
from finegrid.cases.models import Notice
from finegrid.cases.notices import fan_out
from finegrid.cases.tests.shapes.engine import MATTERS, TASKS, register
from finegrid.cases.tests.shapes.models import Matter, Task

DAY = timedelta(days=1)
T0 = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # a Monday, 10:00 in Shanghai
AREA = "321002001001001"


def _tick(now) -> dict:
    counts = supervision.tick(now)
    fan_out()
    return counts


def _fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


@pytest.fixture
def handling(world):
    """A petition registered and accepted (受理) at T0: 60 calendar days to handle it."""
    matter = register(area_code=AREA, unit=world["cgj"], now=T0)
    MATTERS.perform(matter, "accept", world["operator"], now=T0)
    return matter


def test_a_petitions_clocks_follow_one_another(world):
    matter = register(area_code=AREA, unit=world["cgj"], now=T0)
    assert _tick(T0 + 12 * DAY)["yellow"] == 1  # 80 % of the 15 days to decide on 受理
    MATTERS.perform(_fresh(matter), "accept", world["operator"], now=T0 + 13 * DAY)
    matter = _fresh(matter)
    assert (matter.alarm, matter.due_at) == ("", T0 + 73 * DAY)  # the 60-day clock starts afresh
    assert _tick(T0 + 20 * DAY)["yellow"] == 0


def test_the_handling_clock_warns_escalates_and_tells_the_unit_and_the_supervisors(world, handling):
    area_supervisor = world["street_sup"]  # a supervisor of street 001 only
    assert _tick(T0 + 48 * DAY)["yellow"] == 1  # 80 % of 60 days
    counts = _tick(T0 + 60 * DAY)
    assert (counts["red"], counts["escalated"]) == (1, 1)
    told = Notice.objects.filter(subject_type="shapes.matter", subject_id=handling.pk)
    assert sorted(told.filter(unit=world["cgj"]).values_list("kind", flat=True)) == ["red", "yellow"]
    assert set(told.filter(kind="escalate").values_list("recipient", flat=True)) == {
        world["supervisor"].pk, area_supervisor.pk}
    assert told.first().link == f"/matters/{handling.pk}/"
    assert _tick(T0 + 90 * DAY)["escalated"] == 1  # level 2 at 150 %: the leaders
    assert not MATTERS.disagreements(_fresh(handling), list(handling.transitions.order_by("seq")))


def test_handling_is_extended_once_by_at_most_thirty_days(world, handling):
    MATTERS.perform(handling, "extend", world["supervisor"], reason="需要补充调查", now=T0 + 50 * DAY)
    assert _fresh(handling).due_at == T0 + 90 * DAY and _fresh(handling).extension_count == 1
    with pytest.raises(TransitionError, match="once"):
        MATTERS.perform(_fresh(handling), "extend", world["supervisor"], reason="再次", now=T0 + 60 * DAY)
    assert [a.name for a in MATTERS.allowed(_fresh(handling), world["supervisor"])].count("extend") == 0


def test_the_days_of_a_hearing_do_not_count(world, handling):
    MATTERS.perform(handling, "hear", world["operator"], now=T0 + 10 * DAY)
    assert _tick(T0 + 55 * DAY)["yellow"] == 0  # the clock stands still while the hearing lasts
    MATTERS.perform(_fresh(handling), "resume", world["operator"], now=T0 + 20 * DAY)
    assert _fresh(handling).due_at == T0 + 70 * DAY
    assert _tick(T0 + 61 * DAY)["red"] == 0 and _tick(T0 + 70 * DAY)["red"] == 1


def test_the_petitioners_window_runs_out_and_the_worker_concludes_the_matter(world, handling):
    MATTERS.perform(handling, "answer", world["operator"], now=T0 + 30 * DAY)
    assert _tick(T0 + 59 * DAY)["acted"] == 0
    assert _tick(T0 + 60 * DAY)["acted"] == 1
    assert _fresh(handling).state == "concluded" and _fresh(handling).next_check_at is None


def test_a_review_asked_in_time_starts_its_own_clock_and_a_late_one_is_refused(world, handling):
    MATTERS.perform(handling, "answer", world["operator"], now=T0 + 30 * DAY)
    late = _fresh(handling)
    with pytest.raises(TransitionError, match="复查"):
        MATTERS.perform(late, "review", world["operator"], now=T0 + 61 * DAY)
    MATTERS.perform(late, "review", world["operator"], now=T0 + 45 * DAY)
    matter = _fresh(handling)
    assert (matter.state, matter.due_at) == ("reviewing", T0 + 75 * DAY)
    assert _tick(T0 + 75 * DAY)["red"] == 1


@pytest.fixture
def task(world):
    """A key task planned from 0 % on T0 to 100 % a hundred days later."""
    return TASKS.open(Task(area_code=AREA, unit=world["zjj"], planned_start=T0, planned_end=T0 + 100 * DAY,
                           next_check_at=T0), "assign", now=T0)


def test_a_key_task_behind_its_planned_curve_turns_yellow_then_red(world, task):
    assert _tick(T0 + 10 * DAY)["yellow"] == 0  # 10 points behind: still on track
    assert _tick(T0 + 15 * DAY)["yellow"] == 1  # 15 behind
    TASKS.perform(_fresh(task), "progress", world["operator"], data={"progress": 20}, now=T0 + 16 * DAY)
    assert _fresh(task).alarm == ""  # caught up
    counts = _tick(T0 + 55 * DAY)  # planned 55, reported 20: 35 behind
    assert (counts["red"], counts["escalated"]) == (1, 1)
    told = Notice.objects.filter(subject_type="shapes.task", subject_id=task.pk)
    assert set(told.values_list("kind", flat=True)) == {"yellow", "red", "escalate"}
    assert told.filter(kind="red", unit=world["zjj"]).exists()


def test_a_key_task_refuses_progress_that_goes_back(world, task):
    TASKS.perform(task, "progress", world["operator"], data={"progress": 40}, now=T0 + DAY)
    with pytest.raises(TransitionError, match="never lower"):
        TASKS.perform(_fresh(task), "progress", world["operator"], data={"progress": 30}, now=T0 + 2 * DAY)
    TASKS.perform(_fresh(task), "complete", world["operator"], now=T0 + 3 * DAY)
    assert _fresh(task).state == "done" and _tick(T0 + 90 * DAY)["claimed"] == 0
    assert not TASKS.disagreements(_fresh(task), list(task.transitions.order_by("seq")))


def test_a_units_key_task_results_are_scored_beside_its_cases(world, task):
    from finegrid.cases.evaluation import CASES, evaluate_together
    from finegrid.cases.reporting import open_case
    from finegrid.cases.tests.shapes.engine import TASK_RESULTS
    from finegrid.cases.workflow import perform

    late = TASKS.open(Task(area_code=AREA, unit=world["zjj"], planned_start=T0, planned_end=T0 + 10 * DAY,
                           next_check_at=T0), "assign", now=T0)
    _tick(T0 + 5 * DAY)  # the short task: planned 50, reported 0 → red and escalated
    TASKS.perform(_fresh(task), "complete", world["operator"], now=T0 + 50 * DAY)  # on time
    TASKS.perform(_fresh(late), "complete", world["operator"], now=T0 + 20 * DAY)  # late
    case = open_case(channel="patrol", title="井盖缺失", category_code="C0101", lon=119.4075, lat=32.4150, now=T0)
    perform(case, "accept", world["operator"], now=T0)
    perform(case, "dispatch", world["dispatcher"], unit=world["zjj"], now=T0)
    perform(case, "start", world["handler_zjj"], now=T0)
    perform(case, "report_done", world["handler_zjj"], now=T0 + timedelta(hours=1))
    perform(case, "close", world["operator"], now=T0 + timedelta(hours=2))

    start, end = T0 - DAY, T0 + 200 * DAY
    [row] = TASK_RESULTS.evaluate(start, end, "unit")
    assert (row.key, row.values) == ("zjj", {"task_on_time_rate": 0.5, "task_red_rate": 0.5})
    [together] = evaluate_together([CASES, TASK_RESULTS], start, end, "unit")
    assert together.key == "zjj" and together.values["task_on_time_rate"] == 0.5
    assert together.values["closure_rate"] == 1.0 and together.counts["tasks.reported"] == 2
    assert 0 < together.score < 100
