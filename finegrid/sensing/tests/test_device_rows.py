"""Storage and the last-seen flush both write the devices' rows, from two threads of one
consumer. On PostgreSQL they deadlocked (each UPDATE took the rows in its own order) about once a
minute on the bench, and the server broke it only after deadlock_timeout: storage and the tick
each stood still for a second or two."""

import threading

import pytest
from django.db import connection

from finegrid.sensing.engine import Engine, Incoming
from finegrid.sensing.models import Device

from .factories import at, make_device, make_site, ms

pytestmark = pytest.mark.django_db(transaction=True)  # the threads commit on connections of their own
DEVICES, ROUNDS = 250, 60


def test_storing_and_flushing_last_seen_times_side_by_side_never_deadlock(tiny):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite writes one transaction at a time: nothing to deadlock")
    site = make_site()
    codes = [make_device(site, f"d{i}").code for i in range(DEVICES)]
    ids = list(Device.objects.values_list("pk", flat=True))
    engine, failures = Engine(), []

    def storing():
        for round_ in range(ROUNDS):
            items = [Incoming(code, ms(round_), {"ch4": 0.1}, seq=round_) for code in reversed(codes)]
            engine.store([engine.evaluate(items, now=at(round_))], now=at(round_))

    def flushing():
        for round_ in range(ROUNDS * 3):
            with engine.tally_lock:
                engine.seen = {pk: at(round_) for pk in ids}
            engine.flush()

    def guarded(step):
        try:
            step()
        except Exception as error:  # noqa: BLE001  (the test reports whatever stopped a thread)
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=guarded, args=(step,)) for step in (storing, flushing)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not failures, failures
    assert Device.objects.filter(seq=ROUNDS - 1).count() == DEVICES
