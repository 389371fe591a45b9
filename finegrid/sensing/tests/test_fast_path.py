"""Alarms ahead of storage: the rules' alarms are committed before the readings are stored, a
crash between the two evaluates nothing twice, the rules' state is restored at start, and what the
ingest writes keeps an acknowledgement or an escalation made meanwhile."""

import os

import pytest
from django.db import connection
from django.utils import translation

from finegrid.sensing import alarms as alarmbook
from finegrid.sensing.alarms import acknowledge
from finegrid.sensing.engine import Engine, Incoming
from finegrid.sensing.kinds import ORANGE, RED
from finegrid.sensing.models import Alarm, Reading
from finegrid.sensing.priority import group_nice, prioritise_backend
from finegrid.sensing.rules import CLEAR, Verdict

from .factories import at, ms

S = Alarm.State


def test_the_alarm_is_committed_before_its_readings_are_stored(engine, station):
    evaluated = engine.evaluate([Incoming("d1", ms(0), {"ch4": 30, "o2": 20.9})], now=at(0))
    assert Alarm.objects.get().state == S.ACTIVE_UNACK and not Reading.objects.exists()
    assert [change.action for change in evaluated.outcome.changes] == ["raise"]
    engine.store([evaluated], now=at(0))
    assert Reading.objects.count() == 2


def test_a_crash_between_the_alarm_and_the_readings_evaluates_nothing_twice(engine, station):
    # A leak and its end, evaluated and their alarm committed; the process dies before storage.
    engine.evaluate([Incoming("d1", ms(0), {"ch4": 30}), Incoming("d1", ms(10), {"ch4": 0})], now=at(10))
    assert Alarm.objects.get().state == S.CLEARED_UNACK and not Reading.objects.exists()
    restarted = Engine()  # the broker delivers both again: they were never acknowledged
    outcome = restarted.process([Incoming("d1", ms(0), {"ch4": 30}), Incoming("d1", ms(10), {"ch4": 0}),
                                 Incoming("d1", ms(20), {"ch4": 31})], now=at(20))
    assert outcome.late == 2 and outcome.accepted == 1
    assert Reading.objects.count() == 3
    assert Alarm.objects.count() == 2  # the first, once, and the new leak at 20 s


def test_the_rules_state_is_restored_at_start(engine, station, django_assert_num_queries):
    engine.process([Incoming("d1", ms(0), {"ch4": 1.0})], now=at(0))
    restarted = Engine()
    restarted.prepare()
    assert restarted.states and restarted.latest  # every sensor's last value, before any message
    with django_assert_num_queries(1):  # the batch's active alarms, and nothing to warm
        restarted.evaluate([Incoming("d1", ms(10), {"ch4": 1.0, "o2": 20.9})], now=at(10))


def test_a_clear_keeps_an_acknowledgement_made_while_the_batch_was_evaluated(engine, station, people):
    engine.process([Incoming("d1", ms(0), {"ch4": 30})], now=at(0))
    book = alarmbook.Book.load({station["device"].pk})  # the ingest read the alarm…
    acknowledge(Alarm.objects.get(), people["worker_a"], "到场", now=at(5))  # …a person acknowledged it…
    sensor = engine.registry.sensors[station["device"].sensors.get(code="ch4").pk]
    book.apply(sensor, "threshold", CLEAR, ms(10), 0.0, at(10))  # …and the leak ended
    book.save()
    alarm = Alarm.objects.get()
    assert alarm.state == S.CLEARED_ACK and alarm.acked_by == people["worker_a"] and alarm.last_ts == ms(10)


def test_a_worse_reading_never_lowers_what_the_tick_escalated(engine, station):
    engine.process([Incoming("d1", ms(0), {"ch4": 30})], now=at(0))
    book = alarmbook.Book.load({station["device"].pk})
    Alarm.objects.update(severity=RED)  # escalated by the tick meanwhile
    sensor = engine.registry.sensors[station["device"].sensors.get(code="ch4").pk]
    book.apply(sensor, "threshold", Verdict(ORANGE, 25), ms(10), 40.0, at(10))
    book.save()
    assert Alarm.objects.get().severity == RED


def test_an_alarm_reads_in_the_readers_language(engine, station):
    from finegrid.sensing.tick import check_offline

    engine.process([Incoming("d1", ms(0), {"ch4": 0.5}, seq=0), Incoming("d1", ms(1), {"ch4": 0.5}, seq=38)],
                   now=at(1))
    engine.flush()
    (offline,) = check_offline(at(400))
    lost = Alarm.objects.get(rule="lost")
    with translation.override("zh-hans"):
        assert Alarm.objects.get(pk=offline.alarm.pk).text == "离线：399 秒无读数（应每 60 秒上报一次）"
        assert lost.message == "丢失 37 条报文（序号 1–37）"
    with translation.override("en"):
        assert Alarm.objects.get(pk=offline.alarm.pk).text == "offline: no reading for 399 s (expected every 60 s)"
        assert lost.message == "lost 37 messages (numbers 1–37)"
    assert lost.summary == "lost 37 messages (numbers 1–37)"  # the source language, for plain SQL


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


@pytest.mark.skipif(os.geteuid() != 0, reason="renicing another user's process needs root or CAP_SYS_NICE")
def test_the_rules_database_process_runs_at_the_ingests_priority(db):
    if connection.vendor != "postgresql":
        assert prioritise_backend(-5) is None  # SQLite runs in this process: nothing to raise
        return
    assert prioritise_backend(-5) <= -5
    pid = _backend_pid()
    assert os.getpriority(os.PRIO_PROCESS, pid) <= -5
    # PostgreSQL's server process leads a session of its own: its nice weighs only through its autogroup's.
    if group_nice(pid) is not None:
        assert os.getsid(pid) == pid and group_nice(pid) <= -5


# -- an engine that keeps the alarmed devices (the MQTT consumer's) ------------------------------

@pytest.fixture
def keeping(engine, station):
    engine.keep_alarmed()
    engine.prepare()
    return engine


def test_a_batch_of_devices_without_alarms_looks_none_up(keeping, django_assert_num_queries):
    keeping.evaluate([Incoming("d1", ms(0), {"ch4": 1.0})], now=at(0))  # reads the alarmed devices once
    with django_assert_num_queries(0):
        keeping.evaluate([Incoming("d1", ms(10), {"ch4": 1.0})], now=at(10))


def test_the_engine_knows_the_alarms_it_raises_and_clears(keeping, station):
    keeping.evaluate([Incoming("d1", ms(0), {"ch4": 30})], now=at(0))
    assert keeping.alarmed == {station["device"].pk}
    keeping.evaluate([Incoming("d1", ms(10), {"ch4": 31})], now=at(10))
    assert Alarm.objects.count() == 1 and Alarm.objects.get().count == 2  # the same alarm, not a second
    keeping.evaluate([Incoming("d1", ms(20), {"ch4": 0})], now=at(20))
    assert Alarm.objects.get().state == S.CLEARED_UNACK and keeping.alarmed == set()


def test_an_offline_alarm_the_tick_raises_with_the_engine_is_cleared_by_the_next_message(keeping, station):
    from finegrid.sensing.models import Device
    from finegrid.sensing.tick import tick

    keeping.evaluate([Incoming("d1", ms(0), {"ch4": 1.0})], now=at(0))
    Device.objects.update(last_seen_at=at(0))
    keeping.seen.clear()
    tick(now=at(181), engine=keeping)
    keeping.evaluate([Incoming("d1", ms(200), {"ch4": 1.0})], now=at(200))
    assert Alarm.objects.get(rule="offline").state == S.CLEARED_UNACK


def test_an_alarm_another_process_raised_is_read_again_and_nothing_is_lost(keeping, station, monkeypatch):
    """The engine believed the device had no alarm; another process had raised one. The raise
    collides with the unique active key, the batch fails whole (nothing half written), and the
    engine reads the alarmed devices again: the batch taken again adds to that alarm."""
    from django.db import IntegrityError

    from finegrid.sensing import engine as engine_module

    keeping.evaluate([Incoming("d1", ms(0), {"ch4": 1.0})], now=at(0))
    Engine().process([Incoming("d1", ms(5), {"ch4": 30})], now=at(5))  # another process's engine
    with pytest.raises(IntegrityError):
        keeping.evaluate([Incoming("d1", ms(10), {"ch4": 31})], now=at(10))
    assert Alarm.objects.count() == 1
    monkeypatch.setattr(engine_module, "ALARMED_READ_S", 3600)  # not by time: by the failure
    keeping.evaluate([Incoming("d1", ms(10), {"ch4": 31})], now=at(10))
    alarm = Alarm.objects.get()
    assert alarm.count == 2 and alarm.value == 31
