"""The work calendar and the deadline function: pure, so times are passed in, not frozen."""

import csv
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from finegrid.cases.calendar import (
    DEFAULT_CSV,
    HOTLINE_TIERS,
    LIMIT_KIND_LABELS,
    Deadline,
    Limit,
    LimitKind,
    WorkCalendar,
    YearNotCovered,
    parse_limit,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
SHARED_CSV = Path(__file__).resolve().parents[4] / "shared" / "data" / "calendar" / "cn-holidays-2025-2026.csv"


def at(text: str, zone=SHANGHAI) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=zone)


def due(start: str, limit: str, calendar=None) -> datetime:
    """The deadline of a case accepted at `start` (Shanghai time), shown in Shanghai time."""
    deadline = (calendar or WorkCalendar.default()).deadline(at(start), parse_limit(limit))
    return deadline.due.astimezone(SHANGHAI)


# --- parse_limit: every spelling of the standard tables ---------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "kind"),
    [
        ("2紧急工作时", 2, LimitKind.URGENT_HOURS),
        ("4工作时", 4, LimitKind.WORK_HOURS),
        ("3工作日", 3, LimitKind.WORK_DAYS),
        ("3个工作日", 3, LimitKind.WORK_DAYS),
        ("2紧急工作日", 2, LimitKind.CALENDAR_DAYS),
        ("15天", 15, LimitKind.WORK_DAYS),
        ("1天", 1, LimitKind.WORK_DAYS),
        ("4小时", 4, LimitKind.WORK_HOURS),
        ("0.5小时", 0.5, LimitKind.WORK_HOURS),
        ("24小时", 24, LimitKind.WORK_HOURS),
        ("30分钟", 0.5, LimitKind.WORK_HOURS),
        ("90分钟", 1.5, LimitKind.WORK_HOURS),
        ("１５天", 15, LimitKind.WORK_DAYS),
        ("０．５工作时", 0.5, LimitKind.WORK_HOURS),
        (" 3 工作日 ", 3, LimitKind.WORK_DAYS),
        ("2\u3000紧急工作时", 2, LimitKind.URGENT_HOURS),
    ],
)
def test_parse_limit_reads_every_spelling_of_the_standard_tables(text, value, kind):
    assert parse_limit(text) == Limit(value, kind)


@pytest.mark.parametrize("text", ["立即", "", "abc", "工作日", "3", "3周", "-1天", "1/2天", "3工作日4工作时"])
def test_parse_limit_refuses_what_is_not_a_limit_with_a_clear_message(text):
    with pytest.raises(ValueError, match="cannot read a time limit"):
        parse_limit(text)


def test_parse_limit_refuses_a_zero_limit():
    with pytest.raises(ValueError, match="positive"):
        parse_limit("0工作日")


def test_limit_prints_in_the_tables_spelling():
    assert [str(Limit(2, LimitKind.URGENT_HOURS)), str(Limit(3, LimitKind.WORK_DAYS))] == ["2紧急工作时", "3工作日"]
    assert [str(Limit(0.5, "work_hours")), str(Limit(7, "calendar_days"))] == ["0.5工作时", "7自然日"]


def test_limit_takes_the_stored_kind_string_and_round_trips_through_its_text():
    limit = Limit(4, "work_hours")
    assert limit.kind is LimitKind.WORK_HOURS and limit.value == 4.0
    assert parse_limit(str(limit)) == limit
    assert set(LIMIT_KIND_LABELS) == set(LimitKind)


@pytest.mark.parametrize("value", [0, -1, float("inf"), float("nan")])
def test_limit_must_be_a_positive_finite_number(value):
    with pytest.raises(ValueError):
        Limit(value, LimitKind.WORK_HOURS)


def test_hotline_tiers_are_continuous_clock_limits():
    assert HOTLINE_TIERS == {
        "2h": Limit(2, LimitKind.URGENT_HOURS),
        "24h": Limit(24, LimitKind.URGENT_HOURS),
        "7d": Limit(7, LimitKind.CALENDAR_DAYS),
        "15d": Limit(15, LimitKind.CALENDAR_DAYS),
    }
    start = at("2025-09-30 20:00")  # the eve of National Day: the hotline clock does not stop
    assert WorkCalendar.default().deadline(start, HOTLINE_TIERS["7d"]).due == at("2025-10-07 20:00")


# --- the default calendar and its data --------------------------------------------------------


def test_default_calendar_covers_exactly_the_years_of_its_data_and_is_read_once():
    calendar = WorkCalendar.default()
    assert calendar.covered_years == {2025, 2026}
    assert WorkCalendar.default() is calendar
    assert calendar.periods == ((time(8, 30), time(12, 0)), (time(13, 30), time(17, 30)))
    assert calendar.day_seconds == 7.5 * 3600


def test_shipped_csv_has_exactly_the_rows_of_the_shared_data():
    if not SHARED_CSV.exists():
        pytest.skip("../shared is not beside this clone")
    with DEFAULT_CSV.open(encoding="utf-8") as ours, SHARED_CSV.open(encoding="utf-8") as theirs:
        assert list(csv.DictReader(ours)) == list(csv.DictReader(theirs))


@pytest.mark.parametrize(
    ("day", "working"),
    [
        ("2025-06-10", True),  # a plain Tuesday
        ("2025-06-14", False),  # a plain Saturday
        ("2025-10-01", False),  # National Day
        ("2025-10-11", True),  # the adjusted working Saturday after it
        ("2026-01-04", True),  # a Sunday worked for New Year
        ("2026-02-16", False),  # Spring Festival, a Monday
        ("2027-01-01", True),  # not covered: only Monday–Friday is known
    ],
)
def test_working_days_are_weekdays_minus_holidays_plus_adjusted_weekend_days(day, working):
    assert WorkCalendar.default().is_working_day(date.fromisoformat(day)) is working


# --- 工作时: working hours ---------------------------------------------------------------------


def test_work_hours_ending_at_close_of_day_stay_on_that_day():
    assert due("2025-06-10 13:30", "4工作时") == at("2025-06-10 17:30")
    assert due("2025-06-10 17:00", "0.5工作时") == at("2025-06-10 17:30")


def test_work_hours_ending_at_noon_stay_at_noon():
    assert due("2025-06-10 08:30", "3.5工作时") == at("2025-06-10 12:00")


def test_work_hours_skip_the_lunch_break():
    assert due("2025-06-10 11:00", "2工作时") == at("2025-06-10 14:30")


@pytest.mark.parametrize("start", ["2025-06-10 12:00", "2025-06-10 12:30", "2025-06-10 13:29"])
def test_start_inside_the_lunch_break_starts_at_half_past_one(start):
    assert due(start, "1工作时") == at("2025-06-10 14:30")


def test_start_before_opening_starts_at_half_past_eight():
    assert due("2025-06-10 06:00", "1工作时") == at("2025-06-10 09:30")


def test_start_at_or_after_close_starts_the_next_working_morning():
    assert due("2025-06-10 17:30", "1工作时") == at("2025-06-11 09:30")
    assert due("2025-06-10 23:59", "1工作时") == at("2025-06-11 09:30")


def test_work_hours_spill_over_a_weekend():
    assert due("2025-06-13 17:00", "1工作时") == at("2025-06-16 09:00")


def test_start_on_a_weekend_starts_on_monday_morning():
    assert due("2025-06-14 10:00", "1工作时") == at("2025-06-16 09:30")


def test_fractional_work_hours_run_minutes_into_the_next_morning():
    assert due("2025-06-10 17:10", "0.5工作时") == at("2025-06-11 08:40")
    assert due("2025-06-10 10:00", "30分钟") == at("2025-06-10 10:30")


def test_the_eve_of_national_day_runs_on_after_the_eight_day_holiday():
    # 2025: National Day and Mid-Autumn together, 1–8 October off; 30 min left on the 30th.
    assert due("2025-09-30 17:00", "2工作时") == at("2025-10-09 10:00")
    assert due("2025-09-30 17:00", "1工作时") == at("2025-10-09 09:00")


def test_start_on_a_holiday_starts_on_the_next_working_days_first_period():
    assert due("2025-10-03 10:00", "1工作时") == at("2025-10-09 09:30")


def test_an_adjusted_working_saturday_counts():
    assert due("2025-10-10 17:00", "1工作时") == at("2025-10-11 09:00")
    assert due("2026-02-27 17:00", "1工作时") == at("2026-02-28 09:00")


def test_new_year_2026_resumes_on_the_adjusted_working_sunday():
    # 2026: 1–3 January off, Sunday the 4th worked (元旦调休上班).
    assert due("2025-12-31 17:00", "1工作时") == at("2026-01-04 09:00")


def test_spring_festival_2026_works_the_saturday_before_and_resumes_after_nine_days():
    assert due("2026-02-13 17:00", "1工作时") == at("2026-02-14 09:00")
    assert due("2026-02-14 17:00", "1工作时") == at("2026-02-24 09:00")


def test_spring_festival_2025_is_skipped_whole():
    assert due("2025-01-27 17:00", "1工作时") == at("2025-02-05 09:00")


# --- 工作日: working days, counted as working time ----------------------------------------------


def test_one_work_day_from_a_tuesday_morning_is_the_same_hour_on_wednesday():
    assert due("2025-06-10 10:00", "1工作日") == at("2025-06-11 10:00")


def test_one_work_day_from_friday_afternoon_is_monday_afternoon():
    assert due("2025-06-13 16:00", "1工作日") == at("2025-06-16 16:00")


def test_a_work_day_accepted_in_the_evening_starts_the_next_morning():
    assert due("2025-06-10 20:00", "1工作日") == at("2025-06-11 17:30")


def test_work_days_cross_the_spring_festival():
    assert due("2025-01-27 10:00", "3工作日") == at("2025-02-07 10:00")


def test_half_a_work_day_is_half_the_working_time_of_a_day():
    # 3.75 h: 3.5 h until noon, then 15 minutes after the lunch break.
    assert due("2025-06-10 08:30", "0.5工作日") == at("2025-06-10 13:45")


def test_work_days_across_a_whole_year_agree_with_the_working_time_between():
    calendar, start = WorkCalendar.default(), at("2025-01-02 09:00")
    end = calendar.deadline(start, Limit(200, LimitKind.WORK_DAYS)).due
    assert calendar.working_seconds_between(start, end) == pytest.approx(200 * 7.5 * 3600)


# --- 紧急工作时 and 自然日: on the clock ----------------------------------------------------------


def test_urgent_hours_ignore_nights_and_holidays():
    assert due("2025-09-30 17:00", "2紧急工作时") == at("2025-09-30 19:00")
    assert due("2025-09-30 17:00", "24紧急工作时") == at("2025-10-01 17:00")


def test_calendar_days_are_whole_clock_days_through_holidays():
    assert due("2025-09-30 17:00", "2紧急工作日") == at("2025-10-02 17:00")
    assert due("2026-02-14 09:00", "1.5紧急工作日") == at("2026-02-15 21:00")


# --- time zones -------------------------------------------------------------------------------


def test_deadline_is_in_utc_whatever_the_zone_of_the_start():
    calendar, limit = WorkCalendar.default(), parse_limit("1工作时")
    from_utc = calendar.deadline(datetime(2025, 6, 10, 2, 0, tzinfo=UTC), limit)  # 10:00 in Shanghai
    from_new_york = calendar.deadline(at("2025-06-09 22:00", ZoneInfo("America/New_York")), limit)
    assert from_utc == from_new_york == Deadline(datetime(2025, 6, 10, 3, 0, tzinfo=UTC), provisional=False)
    assert from_utc.due.tzinfo is UTC


def test_a_utc_evening_is_already_the_next_shanghai_morning():
    # 23:00 UTC on Monday is 07:00 on Tuesday in Shanghai: the clock starts at 08:30 Tuesday.
    start = datetime(2025, 6, 9, 23, 0, tzinfo=UTC)
    assert WorkCalendar.default().deadline(start, parse_limit("1工作时")).due == at("2025-06-10 09:30")


def test_a_naive_start_is_refused():
    with pytest.raises(ValueError, match="time zone"):
        WorkCalendar.default().deadline(datetime(2025, 6, 10, 10, 0), parse_limit("1工作时"))


# --- years the calendar does not cover ---------------------------------------------------------


def test_crossing_into_2027_is_provisional_when_not_strict():
    deadline = WorkCalendar.default().deadline(at("2026-12-31 17:00"), parse_limit("1工作时"))
    # 2027's arrangement is unknown: 1 January counts as a plain Friday, and the result says so.
    assert deadline == Deadline(at("2027-01-01 09:00").astimezone(UTC), provisional=True)


def test_crossing_into_2027_raises_when_strict():
    with pytest.raises(YearNotCovered) as raised:
        WorkCalendar.default().deadline(at("2026-12-31 17:00"), parse_limit("1工作时"), strict=True)
    assert raised.value.year == 2027 and "2027" in str(raised.value)


def test_a_deadline_ending_within_a_covered_year_is_final_even_when_strict():
    deadline = WorkCalendar.default().deadline(at("2026-12-31 17:00"), parse_limit("0.5工作时"), strict=True)
    assert deadline == Deadline(at("2026-12-31 17:30").astimezone(UTC), provisional=False)


def test_a_start_before_the_covered_years_is_provisional_too():
    with pytest.raises(YearNotCovered, match="2024"):
        WorkCalendar.default().deadline(at("2024-12-31 17:00"), parse_limit("1工作时"), strict=True)
    assert WorkCalendar.default().deadline(at("2024-12-31 17:00"), parse_limit("1工作时")).provisional


def test_clock_limits_never_consult_the_calendar_so_are_never_provisional():
    calendar = WorkCalendar.default()
    for text in ("2紧急工作时", "15紧急工作日"):
        deadline = calendar.deadline(at("2026-12-31 23:00"), parse_limit(text), strict=True)
        assert not deadline.provisional


# --- working_seconds_between and elapsed_fraction ---------------------------------------------


def test_working_seconds_of_a_day_are_the_two_periods():
    calendar = WorkCalendar.default()
    assert calendar.working_seconds_between(at("2025-06-10 00:00"), at("2025-06-11 00:00")) == 7.5 * 3600
    assert calendar.working_seconds_between(at("2025-06-10 11:00"), at("2025-06-10 14:00")) == 1.5 * 3600


def test_working_seconds_skip_weekends_and_holidays():
    calendar = WorkCalendar.default()
    assert calendar.working_seconds_between(at("2025-06-13 17:00"), at("2025-06-16 09:00")) == 3600
    assert calendar.working_seconds_between(at("2025-09-30 17:00"), at("2025-10-09 09:00")) == 3600


def test_working_seconds_are_zero_when_the_end_is_not_after_the_start():
    calendar = WorkCalendar.default()
    assert calendar.working_seconds_between(at("2025-06-10 10:00"), at("2025-06-10 10:00")) == 0
    assert calendar.working_seconds_between(at("2025-06-10 11:00"), at("2025-06-10 10:00")) == 0


def test_yellow_warning_point_is_eighty_percent_of_the_working_time():
    calendar, start, limit = WorkCalendar.default(), at("2025-06-10 08:30"), parse_limit("4工作时")
    due_at = calendar.deadline(start, limit).due
    assert due_at == at("2025-06-10 14:00")
    # 80 % of 4 working hours is 3 h 12 min: 11:42, before the lunch break.
    assert calendar.elapsed_fraction(start, limit, due_at, at("2025-06-10 11:42")) == pytest.approx(0.8)
    assert calendar.elapsed_fraction(start, limit, due_at, at("2025-06-10 13:00")) == pytest.approx(0.875)
    assert calendar.elapsed_fraction(start, limit, due_at, at("2025-06-10 15:00")) == pytest.approx(1.25)


def test_yellow_warning_instant_is_the_deadline_of_eighty_percent_of_the_limit():
    calendar, start, limit = WorkCalendar.default(), at("2025-09-30 15:00"), parse_limit("3工作日")
    due_at = calendar.deadline(start, limit).due
    warn_at = calendar.deadline(start, Limit(limit.value * 0.8, limit.kind)).due
    assert calendar.elapsed_fraction(start, limit, due_at, warn_at) == pytest.approx(0.8)


def test_elapsed_fraction_of_a_clock_limit_counts_nights_and_holidays():
    calendar, start, limit = WorkCalendar.default(), at("2025-09-30 20:00"), HOTLINE_TIERS["24h"]
    due_at = calendar.deadline(start, limit).due
    assert calendar.elapsed_fraction(start, limit, due_at, at("2025-10-01 15:12")) == pytest.approx(0.8)
    assert calendar.elapsed_fraction(start, limit, due_at, at("2025-09-30 19:00")) == 0


def test_elapsed_fraction_does_not_move_outside_working_time():
    calendar, start, limit = WorkCalendar.default(), at("2025-06-13 16:30"), parse_limit("1工作日")
    due_at = calendar.deadline(start, limit).due
    friday_night = calendar.elapsed_fraction(start, limit, due_at, at("2025-06-13 22:00"))
    assert friday_night == calendar.elapsed_fraction(start, limit, due_at, at("2025-06-16 08:30"))
    assert friday_night == pytest.approx(1 / 7.5)


def test_elapsed_fraction_refuses_a_due_before_the_start():
    calendar, limit = WorkCalendar.default(), parse_limit("1工作时")
    with pytest.raises(ValueError, match="after start"):
        calendar.elapsed_fraction(at("2025-06-14 10:00"), limit, at("2025-06-14 11:00"), at("2025-06-14 10:30"))


# --- calendars built from rows -----------------------------------------------------------------


def test_from_rows_with_custom_periods_sets_the_length_of_a_work_day():
    calendar = WorkCalendar.from_rows([(date(2025, 6, 11), "holiday")], periods=[(time(9), time(17))])
    assert calendar.day_seconds == 8 * 3600 and calendar.covered_years == {2025}
    assert due("2025-06-10 09:00", "8工作时", calendar) == at("2025-06-10 17:00")
    assert due("2025-06-10 10:00", "1工作日", calendar) == at("2025-06-12 10:00")


def test_from_rows_takes_an_administrators_entry_for_a_new_year():
    with DEFAULT_CSV.open(encoding="utf-8") as shipped:
        rows = [(row["date"], row["kind"]) for row in csv.DictReader(shipped)]
    rows += [("2027-01-01", "holiday"), ("2027-01-02", "holiday"), ("2027-01-03", "holiday")]
    calendar = WorkCalendar.from_rows(rows)
    deadline = calendar.deadline(at("2026-12-31 17:00"), parse_limit("1工作时"), strict=True)
    assert deadline == Deadline(at("2027-01-04 09:00").astimezone(UTC), provisional=False)
    assert calendar.covered_years == {2025, 2026, 2027}


def test_from_rows_may_cover_a_year_declared_without_rows():
    calendar = WorkCalendar.from_rows([], covered_years=[2030])
    assert not calendar.deadline(at("2030-03-01 10:00"), parse_limit("1工作日"), strict=True).provisional


def test_from_rows_refuses_unknown_kinds_and_contradictions():
    with pytest.raises(ValueError, match="holiday' or 'workday"):
        WorkCalendar.from_rows([(date(2027, 1, 1), "festival")])
    with pytest.raises(ValueError, match="both"):
        WorkCalendar.from_rows([(date(2027, 1, 1), "holiday"), (date(2027, 1, 1), "workday")])


@pytest.mark.parametrize(
    "periods",
    [
        [],
        [(time(12), time(9))],
        [(time(8), time(12)), (time(11), time(17))],
        [(time(13), time(17)), (time(8), time(12))],
    ],
)
def test_from_rows_refuses_empty_reversed_or_overlapping_periods(periods):
    with pytest.raises(ValueError, match="period"):
        WorkCalendar.from_rows([], periods=periods, covered_years=[2025])


def test_a_calendar_with_three_shifts_fills_each_in_turn():
    shifts = [(time(0), time(8)), (time(9), time(17)), (time(18), time(23, 59))]
    calendar = WorkCalendar.from_rows([], periods=shifts, covered_years=[2025])
    assert due("2025-06-10 16:00", "2工作时", calendar) == at("2025-06-10 19:00")
    assert due("2025-06-10 08:00", "0.5工作时", calendar) == at("2025-06-10 09:30")


@pytest.mark.parametrize("text", ["0.5工作时", "4工作时", "1工作日", "15工作日"])
def test_working_time_up_to_the_deadline_is_exactly_the_limit_from_any_start(text):
    # Starts every 7 h over two years hit nights, lunch breaks, holidays and adjusted weekends.
    calendar, limit = WorkCalendar.default(), parse_limit(text)
    for n in range(2_400):
        start = at("2025-01-01 00:00") + timedelta(hours=7 * n, minutes=n % 60)
        end = calendar.deadline(start, limit).due
        assert calendar.working_seconds_between(start, end) == pytest.approx(calendar.limit_seconds(limit))
