"""The ingest's case process (caseworker.py): what it is handed becomes cases and case events;
one that starts opens the cases an earlier one left; one that died is started again."""

import io
import json
import sqlite3
import threading
from pathlib import Path

import pytest
from django.test import override_settings

from finegrid.core.scratch import copy_of_the_test_database
from finegrid.sensing.caseworker import CaseWorker, serve
from finegrid.sensing.codec import device_topic
from finegrid.sensing.models import Alarm
from finegrid.sensing.mqtt import broker_address, make_client

from .factories import make_device, make_site
from .test_alarms import feed
from .test_mqtt import broker  # noqa: F401  (the machine's broker, as a fixture)



def orange_alarms_without_a_case(engine) -> list[Alarm]:
    """Two orange CH4 alarms at two sites, raised while the case level was red: no case yet."""
    make_device(make_site("gs2", lon=119.406, lat=32.416), "d2", sensors=("ch4",))
    with override_settings(FINEGRID_SENSING_CASE_LEVEL="red"):
        feed(engine, 0, {"ch4": 30})
        feed(engine, 0, {"ch4": 30}, device="d2")
    alarms = list(Alarm.objects.order_by("pk"))
    assert len(alarms) == 2 and not any(alarm.case_id for alarm in alarms)
    return alarms


def test_a_starting_case_process_opens_the_cases_left_without_one(engine, district):
    orange_alarms_without_a_case(engine)
    told = []
    with override_settings(FINEGRID_SENSING_CASE_LEVEL="orange"):
        assert serve(io.StringIO(""), told.append) == 2
    assert all(alarm.case_id for alarm in Alarm.objects.all())
    assert [event["event"] for event in told] == ["case", "case"] and all(event["ticket"] for event in told)


def test_the_case_process_opens_what_it_is_handed_and_skips_a_bad_line(engine, district):
    first, second = orange_alarms_without_a_case(engine)  # below the case level: no orphans
    told = []
    lines = ["not json\n", json.dumps({"pk": 1}) + "\n", json.dumps([first.pk]) + "\n", json.dumps([first.pk]) + "\n"]
    with override_settings(FINEGRID_SENSING_CASE_LEVEL="red"):
        assert serve(lines, told.append) == 1  # the second time it has its case already
    assert Alarm.objects.get(pk=first.pk).case_id and not Alarm.objects.get(pk=second.pk).case_id
    assert [event["alarm"] for event in told] == [first.pk]


# -- the real child, beside a copy of the test database ----------------------------------------

class CaseEvents:
    """The case events published for the test's devices."""

    def __init__(self, url: str):
        self.events, self.arrived = [], threading.Condition()
        self.client, properties = make_client()
        self.client.on_message = self._on_message
        subscribed = threading.Event()
        self.client.on_subscribe = lambda *args: subscribed.set()
        self.client.on_connect = lambda client, *args: client.subscribe(device_topic("+", "+", "case"), qos=1)
        self.client.connect(*broker_address(url), properties=properties)
        self.client.loop_start()
        assert subscribed.wait(10)

    def _on_message(self, client, userdata, message):
        with self.arrived:
            self.events.append(json.loads(message.payload))
            self.arrived.notify_all()

    def wait_for(self, count: int, seconds: float = 60) -> list:
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.events) >= count, seconds)
            return list(self.events)

    def close(self):
        self.client.disconnect()
        self.client.loop_stop()


def case_of(env: dict, alarm_id: int):
    sql = f"SELECT case_id FROM sensing_alarm WHERE id = {int(alarm_id)}"
    if url := env.get("FINEGRID_DATABASE_URL"):
        import psycopg

        with psycopg.connect(url) as connection:
            return connection.execute(sql).fetchone()[0]
    with sqlite3.connect(Path(env["FINEGRID_DATA_DIR"]) / "finegrid.sqlite3", timeout=20) as connection:
        return connection.execute(sql).fetchone()[0]


@pytest.mark.django_db(transaction=True)
@pytest.mark.xdist_group("shared-mosquitto")
def test_the_child_opens_the_cases_and_one_that_died_is_started_again(engine, district, broker, tmp_path):
    first, second = orange_alarms_without_a_case(engine)
    inline = []
    with copy_of_the_test_database(tmp_path) as env:
        if env is None:
            pytest.skip("the test database could not be copied")
        env = {**env, "FINEGRID_SENSING_CASE_LEVEL": "red", "FINEGRID_LOG_LEVEL": "WARNING"}
        events = CaseEvents(broker)
        worker = CaseWorker(broker, inline.extend, env=env)
        worker.start()
        try:
            assert worker.wait_ready()  # warmed: the first case waits for nothing
            worker.open([first])
            assert [event["alarm"] for event in events.wait_for(1)] == [first.pk]
            worker.process.kill()
            worker.process.wait(10)
            worker.started_at = float("-inf")  # as if RESTART_S had passed
            worker.open([second])
            assert [event["alarm"] for event in events.wait_for(2)] == [first.pk, second.pk]
        finally:
            worker.stop()
            events.close()
        assert case_of(env, first.pk) and case_of(env, second.pk) and inline == []
        assert worker.process.returncode == 0  # its input closed, it ended by itself
