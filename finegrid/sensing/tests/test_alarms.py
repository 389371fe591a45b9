"""The alarm state machine, acknowledgement, escalation when nobody acknowledges, offline
devices, and alarms that become dispatched cases."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command

from finegrid.cases.models import Case, Notice
from finegrid.core.models import AuditEntry
from finegrid.org.models import Role, RoleAssignment
from finegrid.sensing.alarms import AlarmError, acknowledge
from finegrid.sensing.engine import Incoming
from finegrid.sensing.kinds import BLUE, ORANGE, RED, YELLOW
from finegrid.sensing.models import Alarm, Device, Site
from finegrid.sensing.tick import tick

from .factories import at, make_device, make_site, ms

S = Alarm.State


def feed(engine, seconds, values, device="d1"):
    return engine.process([Incoming(device, ms(seconds), values)], now=at(seconds))


def test_repeats_update_the_one_active_alarm(engine, station):
    for t in range(0, 50, 10):
        feed(engine, t, {"ch4": 30})
    alarm = Alarm.objects.get()
    assert alarm.count == 5 and alarm.last_ts == ms(40) and alarm.first_ts == ms(0)


def test_active_then_acknowledged_then_cleared(engine, station, people):
    feed(engine, 0, {"ch4": 30})
    alarm = Alarm.objects.get()
    acknowledge(alarm, people["worker_a"], "到场，关闭阀门", now=at(60))
    assert Alarm.objects.get().state == S.ACTIVE_ACK
    feed(engine, 120, {"ch4": 1})
    alarm = Alarm.objects.get()
    assert alarm.state == S.CLEARED_ACK and alarm.ack_comment == "到场，关闭阀门"
    assert list(alarm.events.exclude(action="case").values_list("action", "to_state")) == [
        ("raise", S.ACTIVE_UNACK), ("ack", S.ACTIVE_ACK), ("clear", S.CLEARED_ACK)]
    assert AuditEntry.objects.filter(action="sensing.alarm.ack", actor=people["worker_a"]).exists()


def test_cleared_before_anyone_acknowledged_waits_for_an_acknowledgement(engine, station, people):
    feed(engine, 0, {"ch4": 30})
    feed(engine, 10, {"ch4": 0})
    alarm = Alarm.objects.get()
    assert alarm.state == S.CLEARED_UNACK
    acknowledge(alarm, people["leader"], now=at(20))
    assert Alarm.objects.get().state == S.CLEARED_ACK
    with pytest.raises(AlarmError):
        acknowledge(alarm, people["leader"])


def test_a_stale_acknowledgement_loses(engine, station, people):
    feed(engine, 0, {"ch4": 30})
    first, second = Alarm.objects.get(), Alarm.objects.get()
    acknowledge(first, people["worker_a"])
    with pytest.raises(AlarmError):
        acknowledge(second, people["leader"])
    assert Alarm.objects.get().acked_by == people["worker_a"]


def test_a_new_condition_after_clearing_is_a_new_alarm(engine, station):
    feed(engine, 0, {"ch4": 30})
    feed(engine, 10, {"ch4": 0})
    feed(engine, 20, {"ch4": 30})
    assert Alarm.objects.count() == 2 and Alarm.objects.filter(active_key__isnull=False).count() == 1


@pytest.fixture
def blue_alarm(engine, station):
    sensor = station["device"].sensors.get(code="ch4")
    sensor.rules = {"threshold": {"high": [[25, "blue"]]}}
    sensor.save()
    Device.objects.update(interval_s=3600)  # never offline during these tests
    feed(engine, 0, {"ch4": 30})
    return Alarm.objects.get()


def test_unacknowledged_alarm_escalates_at_5_15_and_30_minutes(blue_alarm, people):
    tick(now=at(4 * 60 + 59))
    assert Alarm.objects.get().escalation == 0
    tick(now=at(5 * 60))
    alarm = Alarm.objects.get()
    assert alarm.escalation == 1 and alarm.severity == YELLOW
    tick(now=at(14 * 60))
    assert Alarm.objects.get().escalation == 1
    tick(now=at(15 * 60))
    tick(now=at(30 * 60))
    alarm = Alarm.objects.get()
    assert alarm.escalation == 3 and alarm.severity == RED and alarm.next_check_at is None
    assert Notice.objects.filter(kind="escalate", recipient=people["leader"]).count() == 2  # levels 2 and 3
    assert list(alarm.events.filter(action="escalate").values_list("severity", flat=True)) == [YELLOW, ORANGE, RED]


def test_an_acknowledged_alarm_does_not_escalate(blue_alarm, people):
    acknowledge(blue_alarm, people["worker_a"], now=at(60))
    tick(now=at(3600))
    assert Alarm.objects.get().escalation == 0 and Alarm.objects.get().severity == BLUE


def test_two_ticks_escalate_once(blue_alarm):
    tick(now=at(5 * 60))
    tick(now=at(5 * 60 + 1))
    assert Alarm.objects.get().escalation == 1


def test_a_silent_device_goes_offline_and_comes_back(engine, station):
    feed(engine, 0, {"ch4": 1})
    engine.flush()
    Device.objects.update(last_seen_at=at(0))
    tick(now=at(180), engine=engine)  # 3 × 60 s: not yet more than k × interval
    assert not Alarm.objects.exists()
    tick(now=at(181), engine=engine)
    alarm = Alarm.objects.get(rule="offline")
    assert alarm.severity == BLUE and alarm.sensor is None and alarm.active_key
    tick(now=at(191))
    assert Alarm.objects.count() == 1
    feed(engine, 200, {"ch4": 1})
    assert Alarm.objects.get().state == S.CLEARED_UNACK


def test_the_worker_finds_silent_devices_allowing_for_the_ingest_lag(engine, station):
    """`finegrid worker` ticks without the ingest's engine: its last-seen times may be FLUSH_S late."""
    Device.objects.update(last_seen_at=at(0))
    with time_machine.travel(at(181), tick=False):
        call_command("worker", "--once", "--only", "sensing")
    assert not Alarm.objects.exists()
    with time_machine.travel(at(183), tick=False):
        call_command("worker", "--once", "--only", "sensing")
    assert Alarm.objects.get(rule="offline").device == station["device"]


def test_an_orange_alarm_becomes_a_dispatched_case(engine, district):
    outcome = feed(engine, 0, {"ch4": 30})
    case = Case.objects.get()
    assert outcome.cases and Alarm.objects.get().case == case
    assert case.channel == "sensor" and case.category.code == "A0101" and case.state == Case.State.DISPATCHED
    assert case.unit == district["gas"] and case.limit_kind == "urgent_hours" and case.limit_value == 2
    assert case.due_at == at(2 * 3600) and case.grid == district["grid_a"]
    assert Notice.objects.filter(recipient=district["worker_a"], case=case).exists()


def test_a_red_alarm_at_a_gas_station_is_an_emergency_with_one_hour(engine, district):
    feed(engine, 0, {"ch4": 60})
    case = Case.objects.get()
    assert case.category.code == "X0205" and case.category.domain == "emergency"
    assert case.limit_kind == "urgent_hours" and case.state == Case.State.DISPATCHED


def test_a_yellow_alarm_opens_no_case_until_it_escalates(engine, district):
    feed(engine, 0, {"ch4": 0})
    for t in range(10, 61, 10):
        feed(engine, t, {"ch4": t / 10})  # a growing leak: the rate rule, yellow
    assert Alarm.objects.get(rule="rate").severity == YELLOW and not Case.objects.exists()
    raised = Alarm.objects.get(rule="rate").raised_at
    tick(now=raised + timedelta(minutes=5))
    assert Alarm.objects.get(rule="rate").severity == ORANGE and Case.objects.count() == 1


def test_the_case_level_is_a_setting(engine, district, settings):
    settings.FINEGRID_SENSING_CASE_LEVEL = "red"
    feed(engine, 0, {"ch4": 30})
    assert not Case.objects.exists()
    feed(engine, 10, {"ch4": 55})
    assert Case.objects.count() == 1


def test_escalation_tells_supervisors_first(blue_alarm, people):
    from finegrid.cases.tests.factories import make_user

    supervisor = make_user("sup", Role.SUPERVISOR)
    tick(now=at(5 * 60))
    assert Notice.objects.filter(kind="escalate", recipient=supervisor).count() == 1
    assert not Notice.objects.filter(kind="escalate", recipient=people["leader"]).exists()
    assert RoleAssignment.objects.filter(role=Role.LEADER).exists()


def test_escalation_after_a_long_pause_catches_up_one_level_per_tick(blue_alarm):
    tick(now=at(3600))
    assert Alarm.objects.get().escalation == 1
    assert Alarm.objects.get().next_check_at == blue_alarm.raised_at + timedelta(minutes=15)


def test_two_tunnel_detectors_calling_for_the_shut_off_share_one_case(engine, district):
    site = make_site(code="tn1", kind=Site.Kind.TUNNEL)
    make_device(site, code="ta", sensors=("ch4",))
    make_device(site, code="tb", sensors=("ch4",))
    feed(engine, 0, {"ch4": 22}, device="ta")
    feed(engine, 10, {"ch4": 21}, device="tb")  # B confirms: B's shut-off
    feed(engine, 20, {"ch4": 24}, device="ta")  # and now A's
    shutoffs = Alarm.objects.filter(rule="shutoff")
    assert shutoffs.count() == 2 and len({a.case_id for a in shutoffs}) == 1
    assert Case.objects.filter(category__code="X0205").count() == 1
