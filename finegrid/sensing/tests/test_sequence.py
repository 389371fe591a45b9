"""Message numbers: a gap is counted once, raises the device's 报文丢失 alarm with its size, and
survives redelivery, a restarted consumer and a restarted device."""

from finegrid.sensing.codec import Rejected, decode
from finegrid.sensing.engine import Engine, Incoming
from finegrid.sensing.models import Alarm, Device, IngestCounter
from finegrid.sensing.sequence import Position, step

import pytest

from .factories import T0, at, ms


def test_step_follows_the_count_and_names_what_is_missing():
    assert step(None, 7, 100) == (Position(7, 100), None)  # the first numbered message: the baseline
    assert step(Position(7, 100), 8, 110) == (Position(8, 110), None)
    assert step(Position(8, 110), 12, 150) == (Position(12, 150), (9, 11))
    assert step(Position(12, 150), 10, 130) == (Position(12, 150), None)  # a redelivery of an old one
    assert step(Position(12, 150), 12, 150) == (Position(12, 150), None)
    assert step(Position(12, 150), 0, 200) == (Position(0, 200), None)  # the device restarted
    assert step(Position(12, 150), 3, 200) == (Position(3, 200), (0, 2))  # … and its first three are gone


def _message(seq, seconds, ch4=0.4):
    return Incoming("d1", ms(seconds), {"ch4": ch4}, seq=seq)


def test_a_gap_raises_a_device_alarm_with_its_size(engine, station):
    engine.process([_message(n, n) for n in range(5)], now=at(5))
    outcome = engine.process([_message(n, n) for n in range(42, 45)], now=at(45))
    assert outcome.lost == 37
    alarm = Alarm.objects.get()
    assert alarm.rule == "lost" and alarm.sensor_id is None and alarm.value == 37 and alarm.severity == 2
    assert alarm.message == "lost 37 messages (numbers 5–41)"
    device = Device.objects.get()
    assert device.lost_messages == 37 and device.seq == 44
    engine.flush()
    assert IngestCounter.objects.get(name="lost").value == 37


def test_a_second_gap_adds_to_the_active_alarm(engine, station):
    engine.process([_message(0, 0), _message(2, 2)], now=at(2))
    engine.process([_message(5, 5)], now=at(5))
    alarm = Alarm.objects.get()
    assert alarm.value == 3 and alarm.count == 2 and alarm.message == "lost 3 messages in 2 gaps (last: numbers 3–4)"


def test_a_redelivered_batch_counts_no_gap_and_no_loss_twice(engine, station):
    batch = [_message(0, 0), _message(3, 3), _message(4, 4)]
    engine.process(batch, now=at(4))
    engine.process(batch, now=at(5))  # the broker delivers it again: the consumer died before its ack
    Engine().process(batch + [_message(5, 5)], now=at(6))  # and again, to a consumer started anew
    assert Device.objects.get().lost_messages == 2 and Alarm.objects.get().value == 2


def test_a_batch_that_fails_leaves_the_count_where_the_database_has_it(engine, station, monkeypatch):
    engine.process([_message(0, 0)], now=at(0))
    monkeypatch.setattr(engine, "_store", lambda rows: (_ for _ in ()).throw(RuntimeError("disk full")))
    with pytest.raises(RuntimeError):
        engine.process([_message(5, 5)], now=at(5))
    monkeypatch.undo()
    engine.process([_message(5, 5)], now=at(6))  # retried: the gap is counted once
    assert Device.objects.get().lost_messages == 4


def test_the_loss_alarm_clears_after_ten_minutes_of_whole_count(engine, station):
    engine.process([_message(0, 0), _message(2, 2)], now=at(2))
    engine.process([_message(3, 300)], now=at(300))
    assert Alarm.objects.get().is_active
    engine.process([_message(4, 603)], now=at(603))
    alarm = Alarm.objects.get()
    assert not alarm.is_active and alarm.state == "cleared_unack" and alarm.value == 1


def test_a_device_that_does_not_number_its_messages_is_not_counted(engine, station):
    engine.process([Incoming("d1", ms(n), {"ch4": 0.4}) for n in range(3)], now=at(3))
    assert Device.objects.get().seq is None and not Alarm.objects.exists()


def test_the_payload_carries_one_number_per_message():
    readings = decode(b'{"seq": 9, "readings": [{"ts": 1, "values": {"ch4": 1}}, {"ts": 2, "values": {"ch4": 1}}]}', "d1")
    assert [item.seq for item in readings] == [9, None]
    for bad in (b'{"seq": -1, "ts": 1, "values": {}}', b'{"seq": "9", "ts": 1, "values": {}}',
                b'{"seq": true, "ts": 1, "values": {}}', b'{"seq": 1.5, "ts": 1, "values": {}}'):
        with pytest.raises(Rejected, match="bad_seq"):
            decode(bad, "d1")


def test_the_site_page_shows_the_messages_lost(engine, station, people, client):
    engine.process([_message(0, 0), _message(8, 8)], now=T0)
    client.force_login(people["worker_a"])
    page = client.get("/sensing/sites/gs1/").content.decode()
    assert "丢失报文 7 条（1 处中断）" in page  # in the reader's language (sensing/pages.py)
    assert '<td class="num" data-lost="d1">7</td>' in page
