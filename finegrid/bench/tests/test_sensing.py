import io
import json

import pytest
from django.core.management import call_command

from finegrid.sensing.models import Reading, Site

# It publishes through the machine's broker, whose topics the MQTT tests share: one xdist worker for them all.
pytestmark = pytest.mark.xdist_group("shared-mosquitto")


def test_bench_sensing_runs_through_mosquitto_in_a_throwaway_database(db):
    out = io.StringIO()
    call_command("bench", "sensing", "--duration", "3", "--rate", "800", "--load", "1", "--json", stdout=out,
                 stderr=io.StringIO())
    figures = json.loads(out.getvalue())
    assert figures["published_equals_stored"] and figures["readings_stored"] > 0
    assert figures["alarms_seen"] > 0 and figures["alarm_p99_ms"] is not None and figures["case_p99_ms"] is not None
    assert figures["bare_subscriber_messages_per_s"] > 0
    # Measured again with a process burning CPU beside it; the devices' numbers show no loss.
    assert figures["load_processes"] == 1 and figures["loaded_published_equals_stored"]
    assert figures["loaded_alarms_seen"] > 0 and figures["messages_lost_counted"] == 0
    assert not Site.objects.exists() and not Reading.objects.exists()  # the real database is untouched
