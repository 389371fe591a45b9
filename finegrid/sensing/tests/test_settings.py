import pytest

from finegrid.core.tests.test_settings import _import_settings


@pytest.mark.parametrize("env, name", [
    ({"FINEGRID_SENSING_CASE_LEVEL": "purple"}, "FINEGRID_SENSING_CASE_LEVEL"),
    ({"FINEGRID_MQTT_URL": "http://broker"}, "FINEGRID_MQTT_URL"),
    ({"FINEGRID_INGEST_NICE": "-30"}, "FINEGRID_INGEST_NICE"),
    ({"FINEGRID_INGEST_NICE": "high"}, "FINEGRID_INGEST_NICE"),
    ({"FINEGRID_MQTT_TOPIC_ROOT": "finegrid/#"}, "FINEGRID_MQTT_TOPIC_ROOT"),
    ({"FINEGRID_MQTT_TOPIC_ROOT": "a//b"}, "FINEGRID_MQTT_TOPIC_ROOT"),
    ({"FINEGRID_MQTT_TOPIC_ROOT": "$SYS"}, "FINEGRID_MQTT_TOPIC_ROOT"),
])
def test_a_bad_sensing_setting_fails_at_start_up(tmp_path, env, name):
    result = _import_settings(tmp_path, FINEGRID_DEMO="1", **env)
    assert result.returncode != 0 and name in result.stderr


def test_good_sensing_settings_start(tmp_path):
    result = _import_settings(tmp_path, FINEGRID_DEMO="1", FINEGRID_SENSING_CASE_LEVEL="red",
                              FINEGRID_MQTT_URL="mqtt://127.0.0.1:1883", FINEGRID_MQTT_TOPIC_ROOT="guangling/finegrid")
    assert result.returncode == 0, result.stderr
