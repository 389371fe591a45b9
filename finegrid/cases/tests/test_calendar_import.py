from datetime import datetime, timezone as tz

import pytest
from django.core.management import CommandError, call_command

from finegrid.cases.calendar import Limit
from finegrid.cases.deadlines import calendar_in_force
from finegrid.cases.models import CalendarDay, CalendarYear


def test_entering_2027_makes_its_deadlines_final_and_keeps_2025_2026(db, tmp_path):
    path = tmp_path / "2027.csv"
    path.write_text("date,kind,name\n2027-01-01,holiday,元旦\n", encoding="utf-8")
    before = calendar_in_force().deadline(datetime(2026, 12, 31, 9, 0, tzinfo=tz.utc), Limit(1, "work_days"))
    call_command("import_calendar", str(path), source="test notice")
    assert set(CalendarYear.objects.values_list("year", flat=True)) == {2025, 2026, 2027}
    calendar = calendar_in_force()
    assert not calendar.is_working_day(datetime(2027, 1, 1).date())
    after = calendar.deadline(datetime(2026, 12, 31, 9, 0, tzinfo=tz.utc), Limit(1, "work_days"))
    assert before.provisional and not after.provisional
    assert CalendarDay.objects.filter(date__year=2025).exists()


def test_a_bad_calendar_file_imports_nothing(db, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("date,kind,name\n2027-13-01,holiday,x\n2027-01-02,party,y\n", encoding="utf-8")
    with pytest.raises(CommandError, match="第 2 行") as error:
        call_command("import_calendar", str(path))
    assert "第 3 行" in str(error.value)
    assert not CalendarDay.objects.exists()
