"""`finegrid broker-config`: what it writes for the registered devices (the broker itself runs on
these files in test_survival.py)."""

import io
import subprocess
import sys

from django.core.management import call_command

from finegrid.sensing import broker
from finegrid.sensing.codec import telemetry_topic
from finegrid.sensing.models import Device
from finegrid.sensing.tests.factories import make_device


def _token(code: str) -> str:
    out = io.StringIO()
    call_command("device_token", code, stdout=out, stderr=io.StringIO())
    return out.getvalue().strip()


def test_the_hash_is_mosquittos_own_format():
    # A line mosquitto_passwd 2.0 wrote for the password "secret".
    stored = "$7$101$WN6pyNpBaoVNBVvH$AZJpTgog5TGzTMEAi7ZSBYPARVYWccRGNEYKZvkuljqq+h6nRgENqkS7+Wj8dUwAerA5GESyfNRsMTbT8WvdDQ=="
    assert broker.check_password("secret", stored) and not broker.check_password("Secret", stored)
    made = broker.password_hash("secret", salt=b"0123456789ab")
    assert made.startswith("$7$101$MDEyMzQ1Njc4OWFi$") and broker.check_password("secret", made)


def test_each_device_gets_its_password_and_its_own_topic_only(station, tmp_path):
    token = _token("d1")
    make_device(station["site"], code="d2")  # no token yet: it cannot connect
    err = io.StringIO()
    call_command("broker_config", out=str(tmp_path), port=18830, bind="127.0.0.1", ingest_password="pw",
                 stdout=io.StringIO(), stderr=err)
    users = dict(line.split(":", 1) for line in (tmp_path / "passwd").read_text().splitlines())
    assert set(users) == {"finegrid-ingest", "d1"}
    assert broker.check_password(token, users["d1"]) and broker.check_password("pw", users["finegrid-ingest"])
    assert (tmp_path / "passwd").stat().st_mode & 0o077 == 0  # the hashes are nobody else's to read
    acl = (tmp_path / "acl").read_text()
    assert f"user d1\ntopic write {telemetry_topic('gs1', 'd1')}\n" in acl and "d2" not in acl
    assert f"user finegrid-ingest\ntopic read {telemetry_topic('+', '+')}\n" in acl
    assert "1 devices have no token" in err.getvalue() and "d2" in err.getvalue()


def test_the_configuration_persists_and_queues_enough_for_an_outage(db, tmp_path):
    out = io.StringIO()
    call_command("broker_config", out=str(tmp_path), port=18830, stdout=out, stderr=io.StringIO())
    conf = (tmp_path / "mosquitto.conf").read_text()
    for line in ("listener 18830\n", "allow_anonymous false\n", "persistence true\n", "max_queued_messages 1000000\n",
                 f"password_file {tmp_path / 'passwd'}\n", f"acl_file {tmp_path / 'acl'}\n"):
        assert line in conf
    url = out.getvalue().strip()  # no password given: a new one, as the URL to configure
    assert url.startswith("mqtt://finegrid-ingest:") and url.endswith("@127.0.0.1:18830")


def test_a_new_token_changes_the_broker_password_too(station):
    first = _token("d1")
    second = _token("d1")
    stored = Device.objects.get(code="d1").broker_hash
    assert broker.check_password(second, stored) and not broker.check_password(first, stored)


def test_the_ingest_only_ever_raises_its_priority(tmp_path):
    import os

    # Relative to the niceness the suite runs at (a `nice make test` starts above 0).
    base = os.getpriority(os.PRIO_PROCESS, 0)
    script = ("import os\nfrom finegrid.sensing.priority import take_priority\n"
              f"os.setpriority(os.PRIO_PROCESS, 0, {base + 2})\n"
              f"print(take_priority({base + 5}), take_priority(-1), os.getpriority(os.PRIO_PROCESS, 0))")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    now = base + 2
    expected = f"{now} -1 -1" if os.geteuid() == 0 else f"{now} {now} {now}"  # raising it needs root or CAP_SYS_NICE
    assert done.stdout.split() == expected.split(), done.stderr
