"""Validation, idempotent storage and hostile payloads: every rejection is counted, nothing stops."""

import json
import time

import pytest
from django.core.management import call_command

from finegrid.sensing.codec import Rejected, decode, decode_message, telemetry_topic, topic_parts
from finegrid.sensing.engine import Incoming, process_reading
from finegrid.sensing.models import Alarm, IngestCounter, Reading

from .factories import T0, T0_MS, at, ms


def test_process_reading_stores_each_value(engine, station):
    outcome = process_reading("d1", T0_MS, {"ch4": 1.5, "o2": 20.9, "co": 0, "h2s": 0.2}, site="gs1", now=T0)
    assert outcome.accepted == 4 and not outcome.rejected
    assert sorted(Reading.objects.values_list("value", flat=True)) == [0, 0.2, 1.5, 20.9]


def test_a_redelivered_message_is_stored_and_evaluated_once(engine, station):
    message = Incoming("d1", ms(0), {"ch4": 30})
    engine.process([message], now=T0)
    outcome = engine.process([message], now=at(1))
    assert outcome.accepted == 0 and outcome.late == 1
    assert Reading.objects.count() == 1 and Alarm.objects.get().count == 1


def test_a_restarted_engine_does_not_evaluate_stored_readings_again(engine, station):
    from finegrid.sensing.engine import Engine

    engine.process([Incoming("d1", ms(0), {"ch4": 30})], now=T0)
    fresh = Engine()  # a consumer started again: the broker redelivers what it had not acknowledged
    outcome = fresh.process([Incoming("d1", ms(0), {"ch4": 30}), Incoming("d1", ms(10), {"ch4": 31})], now=at(10))
    assert outcome.late == 1 and outcome.accepted == 1
    assert Reading.objects.count() == 2 and Alarm.objects.get().count == 2


def test_readings_of_a_batch_are_evaluated_in_time_order(engine, station):
    engine.process([Incoming("d1", ms(20), {"ch4": 0}), Incoming("d1", ms(10), {"ch4": 30})], now=at(20))
    assert Alarm.objects.get().state == Alarm.State.CLEARED_UNACK


@pytest.mark.parametrize("values, reason", [
    ({"ch4": "30"}, "bad_value"), ({"ch4": True}, "bad_value"), ({"ch4": None}, "bad_value"),
    ({"ch4": [1]}, "bad_value"), ({"ch4": float("nan")}, "bad_value"), ({"ch4": float("inf")}, "bad_value"),
    ({"ch4": 1e300}, "out_of_range"), ({"ch4": -5}, "out_of_range"), ({"xyz": 1}, "unknown_sensor"),
    ({}, "bad_payload"), ("30", "bad_payload"),
])
def test_hostile_values_are_rejected_and_counted(engine, station, values, reason):
    outcome = engine.process([Incoming("d1", ms(0), values)], now=T0)
    assert outcome.rejected == {reason: 1} and outcome.accepted == 0
    engine.flush()
    assert IngestCounter.objects.get(name=f"rejected:{reason}").value == 1
    assert not Reading.objects.exists()


@pytest.mark.parametrize("item, reason", [
    (Incoming("nope", T0_MS, {"ch4": 1}), "unknown_device"),
    (Incoming(["d1"], T0_MS, {"ch4": 1}), "unknown_device"),
    (Incoming("d1", T0_MS, {"ch4": 1}, site="other"), "wrong_site"),
    (Incoming("d1", T0_MS + 3600_000, {"ch4": 1}), "future_time"),
    (Incoming("d1", T0_MS - 40 * 86400_000, {"ch4": 1}), "too_old"),
    (Incoming("d1", "yesterday", {"ch4": 1}), "bad_time"),
    (Incoming("d1", "2026-11-27T10:00:00", {"ch4": 1}), "bad_time"),  # no zone
    (Incoming("d1", None, {"ch4": 1}), "bad_time"),
    (Incoming("d1", float("nan"), {"ch4": 1}), "bad_time"),
])
def test_hostile_messages_are_rejected(engine, station, item, reason):
    outcome = engine.process([item], now=T0)
    assert outcome.rejected == {reason: 1}


def test_good_values_of_a_message_survive_a_bad_one(engine, station):
    outcome = engine.process([Incoming("d1", ms(0), {"ch4": 1, "o2": "x"})], now=T0)
    assert outcome.accepted == 1 and outcome.rejected == {"bad_value": 1}


def test_time_in_iso_8601_and_epoch_seconds(engine, station):
    engine.process([Incoming("d1", "2026-11-27T02:00:00Z", {"ch4": 1}),
                    Incoming("d1", T0_MS / 1000 + 1, {"ch4": 2})], now=T0)
    assert sorted(Reading.objects.values_list("ts", flat=True)) == [T0_MS, T0_MS + 1000]


@pytest.mark.parametrize("payload, reason", [
    (b"not json", "bad_json"), (b"\xff\xfe", "bad_json"), (b"[1, 2]", "bad_payload"),
    (b'{"readings": []}', "bad_payload"), (b'{"readings": [1]}', "bad_payload"),
    (b"[" * 100_000 + b"]" * 100_000, "too_large"), (b"[" * 30_000 + b"]" * 30_000, "bad_json"),
    (json.dumps({"readings": [{"ts": 1, "values": {}}] * 1001}).encode(), "bad_payload"),
])
def test_undecodable_payloads(payload, reason):
    with pytest.raises(Rejected) as error:
        decode(payload, "d1")
    assert error.value.reason == reason


@pytest.mark.parametrize("topic", ["{root}/a/telemetry", "x/a/b/telemetry", "{root}/a/b/status", "{root}//b/telemetry",
                                   "{root}/a/b/telemetry/more", "x/{root}/a/b/telemetry"])
def test_topics_outside_the_scheme(topic, settings):
    settings.FINEGRID_MQTT_TOPIC_ROOT = "guangling/finegrid"  # a root of two levels
    with pytest.raises(Rejected, match="bad_topic"):
        decode_message(topic.format(root=settings.FINEGRID_MQTT_TOPIC_ROOT), b"{}")


def test_the_topic_root_is_the_settings(settings):
    settings.FINEGRID_MQTT_TOPIC_ROOT = "guangling/finegrid"
    assert telemetry_topic("gs1", "d1") == "guangling/finegrid/gs1/d1/telemetry"
    assert topic_parts("guangling/finegrid/gs1/d1/telemetry") == ("gs1", "d1")


def test_a_gateway_batch_in_one_payload(engine, station):
    payload = json.dumps({"readings": [{"ts": T0_MS + i * 1000, "values": {"ch4": i}} for i in range(5)]}).encode()
    outcome = engine.process(decode_message(telemetry_topic("gs1", "d1"), payload), now=at(5))
    assert outcome.accepted == 5


@pytest.fixture
def token(station, capsys):
    call_command("device_token", "d1")
    return capsys.readouterr().out.strip()


def test_http_ingest_with_the_device_token(engine, station, token, client):
    body = json.dumps({"ts": int(time.time() * 1000), "values": {"ch4": 2.0}})
    response = client.post("/sensing/ingest", body, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 202 and response.json()["accepted"] == 1
    assert Reading.objects.get().value == 2.0


@pytest.mark.parametrize("header", ["", "Bearer wrong", "Basic abc"])
def test_http_ingest_refuses_without_a_valid_token(station, token, client, header):
    response = client.post("/sensing/ingest", "{}", content_type="application/json", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401 and not Reading.objects.exists()


def test_http_ingest_rejects_a_bad_payload(engine, station, token, client):
    response = client.post("/sensing/ingest", b"{{", content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 400 and response.json() == {"error": "bad_json"}
