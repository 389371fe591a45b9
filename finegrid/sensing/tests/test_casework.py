"""Alarm → case through the one intake entrance: the same district checks as every channel."""

from finegrid.cases.models import Case
from finegrid.intake.models import Receipt
from finegrid.sensing.models import Alarm, Site

from .test_alarms import feed


def test_an_alarms_case_comes_through_the_entrance_with_the_alarm_as_its_key(engine, district):
    feed(engine, 0, {"ch4": 30})
    alarm = Alarm.objects.get()
    receipt = Receipt.objects.get(case=alarm.case)
    assert receipt.channel == "sensor" and receipt.key == f"alarm:{alarm.pk}"
    assert alarm.case.grid == district["grid_a"] and alarm.case.state == Case.State.DISPATCHED


def test_a_site_outside_the_district_opens_no_case_and_the_alarm_stands(engine, district):
    Site.objects.filter(pk=district["site"].pk).update(lon=116.4, lat=39.9)  # Beijing
    feed(engine, 0, {"ch4": 30})
    assert Alarm.objects.get().case is None and not Case.objects.exists()


def test_a_site_at_zero_zero_opens_no_case(engine, district):
    Site.objects.filter(pk=district["site"].pk).update(lon=0, lat=0)
    feed(engine, 0, {"ch4": 30})
    assert Alarm.objects.get().case is None and not Case.objects.exists()


def test_an_alarms_dispatched_case_reaches_the_sites_unit_through_the_notice_step(engine, district):
    """The sensor channel is told as every other channel is (intake/tests/test_channel_notices.py)."""
    from finegrid.cases.models import Notice
    from finegrid.cases.notices import fan_out

    feed(engine, 0, {"ch4": 30})
    case = Alarm.objects.get().case
    assert not Notice.objects.filter(kind="assigned", unit=case.unit).exists()  # (its grid worker is told at once)
    fan_out()
    assert Notice.objects.filter(kind="assigned", case=case, unit=case.unit).count() == 1
