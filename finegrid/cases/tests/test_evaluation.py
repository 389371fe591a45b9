"""Evaluation (以实绩论英雄): every indicator on cases whose outcomes are worked out by hand.

Times are Shanghai wall-clock times in March 2026 (Tuesday the 10th is a plain working day;
working periods 08:30–12:00 and 13:30–17:30). The category C0101 has a 4 工作时 limit, so a case
accepted at 10:00 is due at 15:30; dispatch is due 1 working hour after acceptance."""

import csv
import io
import json
import random
from datetime import datetime, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from finegrid.cases.calendar import Limit, LimitKind, WorkCalendar
from finegrid.cases.evaluation import (
    DEFAULT_WEIGHTS, DISPATCH_LIMIT, INDICATORS, RESPONSE_LIMIT, ZONE, WorkingDeadline, evaluate, period_bounds,
)
from finegrid.cases.models import IndicatorWeight
from finegrid.cases.reporting import open_case
from finegrid.cases.workflow import perform

STREET_A, STREET_B = "321002001", "321002002"
MICRO_A, MICRO_B = "321002001001001001", "321002002001001001"
MARCH = period_bounds("2026-03")
ACTORS = {"accept": "operator", "dispatch": "dispatcher", "reassign": "dispatcher", "close": "operator",
          "rework": "operator", "rate": "operator", "void": "operator", "merge": "operator",
          "park": "supervisor", "extend_approve": "supervisor"}  # the rest: the unit's handler


def t(day, hour, minute=0, second=0):
    return datetime(2026, 3, day, hour, minute, second, tzinfo=ZONE)


def life(world, *steps, channel="patrol", area=MICRO_A, reported=None):
    """Opens a case and takes each (action, when[, unit or data]) step as the right person."""
    case = open_case(channel=channel, title="井盖缺失", category_code="C0101", area_code=area,
                     now=reported or t(10, 10))
    for action, when, *extra in steps:
        who = world[ACTORS.get(action) or f"handler_{case.unit.code}"]
        kwargs = {"reason": "测试"}
        for value in extra:
            kwargs.update({"unit": world[value]} if isinstance(value, str) else {"data": value})
        perform(case, action, who, now=when, **kwargs)
    return case


def closed_case(world, area=MICRO_A, done=t(10, 11), closed=t(10, 12), unit="cgj"):
    return life(world, ("accept", t(10, 10)), ("dispatch", t(10, 10, 10), unit), ("report_done", done),
                ("close", closed), area=area)


@pytest.fixture
def district(world):
    """Street A: nine ordinary and three hotline cases with every outcome; street B: one perfect case."""
    closed_case(world, done=t(10, 12), closed=t(10, 13))  # c1: on time throughout
    life(world, ("accept", t(10, 10)), ("dispatch", t(10, 11, 30), "cgj"), ("report_done", t(10, 16)),
         ("close", t(10, 17)))  # c2: dispatched late, handled late, closed late
    life(world, ("accept", t(10, 10)), ("dispatch", t(10, 10, 10), "zjj"), ("reassign", t(10, 10, 20), "cgj"),
         ("report_done", t(10, 11)), ("rework", t(10, 11, 10)), ("report_done", t(10, 11, 20)),
         ("close", t(10, 12)))  # c3: 改派 once, 返工 once
    life(world, ("accept", t(10, 10)), ("dispatch", t(10, 10, 5), "cgj"), ("park", t(10, 11)))  # c4: 缓办
    life(world, ("accept", t(10, 10)), ("dispatch", t(10, 10), "cgj"),
         ("extend_request", t(10, 10, 30), {"limit": "1工作日"}), ("extend_approve", t(10, 10, 40)),
         ("report_done", t(10, 16)))  # c5: on time after 延期
    life(world, ("void", t(10, 10, 10)))  # c6
    life(world)  # c8: not yet accepted
    c9 = life(world, ("accept", t(10, 10)), ("dispatch", t(10, 13), "cgj"), ("start", t(10, 13, 10)))
    life(world, ("merge", t(10, 13, 20), {"master": c9.ticket}))  # c7: a duplicate of c9
    life(world, ("accept", t(10, 12)), ("dispatch", t(10, 12, 10), "cgj"), ("report_done", t(10, 13)),
         ("close", t(10, 14)), ("rate", t(10, 14, 30), {"rating": 5}), channel="hotline", reported=t(10, 10))
    life(world, ("accept", t(12, 10)), ("dispatch", t(12, 10, 10), "cgj"), ("report_done", t(12, 16)),
         ("close", t(12, 17)), ("rate", t(12, 17, 10), {"rating": 2}), channel="hotline", reported=t(10, 10))
    life(world, channel="hotline", reported=t(10, 10))  # h3: never accepted
    closed_case(world, area=MICRO_B, unit="zjj")
    return world


STREET_A_VALUES = {
    "filing_rate": 8 / 11, "dispatch_on_time_rate": 6 / 8, "dispatch_accuracy": 7 / 8,
    "handling_on_time_rate": 4 / 6, "closure_rate": 5 / 7, "closure_on_time_rate": 3 / 5, "rework_rate": 1 / 6,
    "extension_rate": 1 / 8, "response_rate": 1 / 3, "resolution_rate": 2 / 3, "satisfaction_rate": 1 / 2,
}


def by_key(rows):
    return {row.key: row for row in rows}


def score_of(values, weights=DEFAULT_WEIGHTS):
    lower = {"rework_rate", "extension_rate"}
    parts = [(weights[k], 1 - v if k in lower else v) for k, v in values.items() if v is not None and weights.get(k)]
    return round(100 * sum(w * v for w, v in parts) / sum(w for w, _ in parts), 2)


def test_every_indicator_of_a_street_matches_the_hand_count(district):
    row = by_key(evaluate(*MARCH, by="street"))[STREET_A]
    assert row.name == "东关街道"
    assert row.values == pytest.approx(STREET_A_VALUES)
    assert (row.counts["reported"], row.counts["merged"], row.counts["accepted"]) == (12, 1, 8)  # c6 void: not accepted


def test_parked_cases_leave_the_closure_denominator(district):
    counts = by_key(evaluate(*MARCH, by="street"))[STREET_A].counts
    assert (counts["closed"], counts["dispatched"], counts["parked"]) == (5, 8, 1)  # 5 ÷ (8 − 1), not 5 ÷ 8


def test_dispatch_accuracy_counts_reassigned_cases(district):
    counts = by_key(evaluate(*MARCH, by="street"))[STREET_A].counts
    assert (counts["reassigned"], counts["dispatched"]) == (1, 8)


def test_streets_are_scored_and_ranked(district):
    rows = evaluate(*MARCH, by="street")
    assert [(row.key, row.rank) for row in rows] == [(STREET_B, 1), (STREET_A, 2)]
    assert rows[0].score == 100.0 and rows[0].values["response_rate"] is None
    assert rows[1].score == score_of(STREET_A_VALUES)


def test_units_are_judged_on_handling_not_on_the_command_centre(district):
    rows = by_key(evaluate(*MARCH, by="unit"))
    cgj = rows["cgj"]
    assert set(cgj.values) == {"handling_on_time_rate", "closure_rate", "closure_on_time_rate", "rework_rate",
                               "extension_rate", "resolution_rate", "satisfaction_rate"}
    assert cgj.name == "区城市管理局" and cgj.counts["reported"] == 8  # c3 counts for cgj, the unit it was reassigned to
    expected = {k: v for k, v in STREET_A_VALUES.items() if k in cgj.values} | {"resolution_rate": 1.0}
    assert cgj.values == pytest.approx(expected)  # both hotline cases with a unit were closed
    assert (rows["zjj"].rank, cgj.rank, rows["zjj"].score) == (1, 2, 100.0)


def test_people_are_judged_on_the_cases_they_reported_done(district):
    rows = by_key(evaluate(*MARCH, by="person"))
    assert set(rows) == {"handler_cgj", "handler_zjj"}
    cgj = rows["handler_cgj"]
    assert cgj.counts["reported"] == 6 and set(cgj.values) == {
        "handling_on_time_rate", "closure_rate", "closure_on_time_rate", "rework_rate", "satisfaction_rate"}
    assert cgj.values == pytest.approx({"handling_on_time_rate": 4 / 6, "closure_rate": 5 / 6,  # c5 not closed yet
                                        "closure_on_time_rate": 3 / 5, "rework_rate": 1 / 6,
                                        "satisfaction_rate": 1 / 2})


def test_communities_and_grids_group_by_code_prefix(district):
    assert [row.key for row in evaluate(*MARCH, by="community")] == ["321002002001", "321002001001"]
    grids = evaluate(*MARCH, by="grid")
    assert {row.key: row.name for row in grids} == {"321002001001001": "第1网格", "321002002001001": "第1网格"}


def test_equal_scores_share_a_rank(world):
    grid = "321002001001{:03d}001"
    closed_case(world, area=grid.format(1))
    closed_case(world, area=grid.format(2))
    closed_case(world, area=grid.format(3), done=t(10, 16), closed=t(10, 17))  # handled and closed late
    rows = evaluate(*MARCH, by="grid")
    assert [(row.key, row.rank) for row in rows] == [
        ("321002001001001", 1), ("321002001001002", 1), ("321002001001003", 3)]
    assert rows[2].score == round(100 * 55 / 90, 2)  # all but 按期处置 (20) and 按期结案 (15) of 90 points


def test_weights_come_from_indicator_weight_rows_or_the_caller(world):
    closed_case(world, area="321002001001001001")
    closed_case(world, area="321002001001003001", done=t(10, 16), closed=t(10, 17))
    IndicatorWeight.objects.create(indicator="按期结案率", weight=100)
    late = by_key(evaluate(*MARCH, by="grid"))["321002001001003"]
    assert late.score == round(100 * 55 / 175, 2)  # the 15 points of 按期结案 are now 100
    # The caller's weights replace them; the satisfaction rate has no value here, so it drops out.
    rows = by_key(evaluate(*MARCH, by="grid", weights={"handling_on_time_rate": 1, "satisfaction_rate": 5}))
    assert (rows["321002001001001"].score, rows["321002001001003"].score) == (100.0, 0.0)
    with pytest.raises(ValueError, match="unknown indicator"):
        evaluate(*MARCH, weights={"speed": 1})


def test_an_unknown_indicator_weight_row_is_refused(world):
    IndicatorWeight.objects.create(indicator="速度", weight=1)
    with pytest.raises(ValueError, match="速度"):
        evaluate(*MARCH)


def test_an_empty_period_has_no_rows_and_an_empty_denominator_no_value(world):
    assert evaluate(*period_bounds("2026-02"), by="street") == []
    life(world)
    row = evaluate(*MARCH, by="street")[0]
    assert row.values["filing_rate"] == 0.0 and row.values["dispatch_on_time_rate"] is None
    assert (row.score, row.rank) == (0.0, 1)


def test_the_period_is_the_report_time_in_shanghai(world):
    closed_case(world)  # reported on 10 March, counted
    life(world, reported=datetime(2026, 2, 28, 23, 59, tzinfo=ZONE))  # February: not counted
    life(world, reported=datetime(2026, 3, 31, 23, 59, tzinfo=ZONE))  # 15:59 UTC on the 31st: counted
    life(world, reported=datetime(2026, 4, 1, 0, 0, tzinfo=ZONE))  # April: not counted
    assert evaluate(*MARCH, by="street")[0].counts["reported"] == 2


def test_dispatch_time_limit_is_one_working_hour_across_lunch_and_weekends(world):
    def dispatched(accepted, dispatched):
        life(world, ("accept", accepted), ("dispatch", dispatched, "cgj"), reported=accepted)

    dispatched(t(10, 11, 30), t(10, 14, 0, 0))  # 30 min before lunch + 30 min after: due 14:00
    dispatched(t(10, 11, 30), t(10, 14, 0, 1))
    dispatched(t(13, 17, 0), t(16, 9, 0, 0))  # Friday 17:00 → Monday 09:00
    dispatched(t(13, 17, 0), t(16, 9, 0, 1))
    qingming = datetime(2026, 4, 3, 17, 0, tzinfo=ZONE)  # the eve of 清明 (4–6 April)
    dispatched(qingming, datetime(2026, 4, 7, 9, 0, tzinfo=ZONE))
    counts = evaluate(*period_bounds("2026-03-01..2026-04-30"), by="street")[0].counts
    assert (counts["dispatched_on_time"], counts["dispatched"]) == (3, 5)


def test_a_first_dispatch_on_time_stays_on_time_after_reassignment(world):
    life(world, ("accept", t(10, 10)), ("dispatch", t(10, 10, 10), "zjj"), ("reassign", t(11, 10), "cgj"))
    values = evaluate(*MARCH, by="street")[0].values
    assert (values["dispatch_on_time_rate"], values["dispatch_accuracy"]) == (1.0, 0.0)


def test_hotline_response_is_one_working_day(world):
    life(world, ("accept", t(11, 10, 0, 0)), channel="hotline", reported=t(10, 10))  # 7.5 working hours later
    life(world, ("accept", t(11, 10, 0, 1)), channel="hotline", reported=t(10, 10))
    life(world, ("void", t(10, 11)), channel="hotline", reported=t(10, 10))  # a void call is not answered
    assert evaluate(*MARCH, by="street")[0].values["response_rate"] == pytest.approx(1 / 3)


def test_the_evaluation_takes_the_same_few_queries_however_many_rows(world):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            rows = evaluate(*MARCH, by="grid")
        return len(rows), len(captured)

    closed_case(world, area="321002001001001001")
    one = queries()
    for grid in range(2, 5):
        closed_case(world, area=f"321002001001{grid:03d}001")
    # calendar in force, weights, span of acceptance times, the grouped counts, the names
    # (and on PostgreSQL the three statements that switch JIT off for the grouped counts)
    assert (one, queries()) == ((1, one[1]), (4, one[1])) and one[1] <= 8


@pytest.mark.parametrize("limit", [DISPATCH_LIMIT, RESPONSE_LIMIT, Limit(4, LimitKind.WORK_HOURS),
                                   Limit(3, LimitKind.WORK_DAYS), Limit(2, LimitKind.URGENT_HOURS)])
def test_the_piecewise_deadline_is_the_calendars_deadline(limit):
    calendar = WorkCalendar.default()
    lo, hi = datetime(2026, 3, 28, tzinfo=ZONE), datetime(2026, 4, 12, tzinfo=ZONE)
    deadline = WorkingDeadline(calendar, limit, lo, hi)
    rng = random.Random(7)
    instants = [lo + timedelta(seconds=rng.uniform(0, (hi - lo).total_seconds())) for _ in range(2000)]
    for upper, _, _ in deadline.pieces[:-1]:  # each breakpoint and a microsecond either side
        instants += [upper + timedelta(microseconds=d) for d in (-1, 0, 1)]
    assert [deadline.at(a) for a in instants] == [calendar.deadline(a, limit).due for a in instants]


@pytest.mark.parametrize("text, first, after", [
    ("2026-10", (2026, 10, 1), (2026, 11, 1)),
    ("2026-12", (2026, 12, 1), (2027, 1, 1)),
    ("2026-Q3", (2026, 7, 1), (2026, 10, 1)),
    ("2026-q4", (2026, 10, 1), (2027, 1, 1)),
    ("2026", (2026, 1, 1), (2027, 1, 1)),
    ("2026-10-01..2026-10-15", (2026, 10, 1), (2026, 10, 16)),
])
def test_periods_are_local_days(text, first, after):
    start, end = period_bounds(text)
    assert (start, end) == (datetime(*first, tzinfo=ZONE), datetime(*after, tzinfo=ZONE))
    assert start.utcoffset() == timedelta(hours=8)


@pytest.mark.parametrize("text", ["2026-13", "2026-Q5", "26-10", "October", "", "2026-10-15..2026-10-01"])
def test_a_bad_period_is_refused(text):
    with pytest.raises(ValueError):
        period_bounds(text)


def test_indicators_cite_their_rule():
    assert set(INDICATORS) == set(DEFAULT_WEIGHTS)
    assert all(ind.compute.__doc__ and ind.term in ind.compute.__doc__ for ind in INDICATORS.values())


# ── the command ───────────────────────────────────────────────────────────────────────────────
def test_report_writes_an_excel_sheet_with_chinese_headers(district, tmp_path):
    out = tmp_path / "考核.xlsx"
    call_command("report", "evaluation", "--period", "2026-03", "--by", "street", "-o", str(out))
    sheet = load_workbook(out).active
    rows = list(sheet.values)
    assert rows[0][:4] == ("街道", "编码", "案件数", "立案率") and rows[0][-2:] == ("综合得分", "排名")
    assert rows[1][:2] == ("汶河街道", STREET_B) and rows[2][3] == pytest.approx(8 / 11)
    assert sheet.cell(row=3, column=4).number_format == "0.0%"
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:P3"  # 16 columns, 2 streets


def test_report_writes_csv_with_a_byte_order_mark(district, tmp_path):
    out = tmp_path / "evaluation.csv"
    call_command("report", "evaluation", "--period", "2026-03", "--by", "unit", "-o", str(out))
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:4] == ["单位", "编码", "案件数", "按期处置率"]
    assert rows[2][:4] == ["区城市管理局", "cgj", "8", "66.7%"] and rows[1][-2:] == ["100.00", "1"]


def test_report_prints_json_with_english_headers_under_lang_en(district, tmp_path):
    out = io.StringIO()
    call_command("report", "evaluation", "--period", "2026-03", "--by", "street", "--lang", "en", stdout=out)
    objects = json.loads(out.getvalue())
    assert [o["code"] for o in objects] == [STREET_B, STREET_A]
    assert objects[1]["filing_rate"] == pytest.approx(8 / 11) and objects[1]["counts"]["parked"] == 1
    english = tmp_path / "e.csv"
    call_command("report", "evaluation", "--period", "2026-03", "--by", "street", "--lang", "en", "-o", str(english))
    header = english.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert header[:4] == ["Street", "Code", "Number of cases", "Filing rate"] and header[-2:] == ["Score", "Rank"]


@pytest.mark.parametrize("arguments, message", [
    (["leaderboard", "--period", "2026-03"], "unknown report"),
    (["evaluation", "--period", "2026-13"], "cannot read the period"),
    (["evaluation", "--period", "2026-03", "-o", "out.pdf"], "format"),
    (["evaluation", "--period", "2026-03", "--format", "xlsx"], "-o"),
])
def test_report_refuses_with_a_clear_message(db, arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("report", *arguments)
