"""Two drain workers on PostgreSQL: the second takes the reports the first is not holding
instead of waiting for the first's batch to commit."""

import threading

import pytest
from django.db import connection

from finegrid.cases.models import Case
from finegrid.intake import inbox
from finegrid.intake.models import Queued

from .conftest import GRID_A
from .test_open311 import V2


@pytest.mark.django_db(transaction=True)
def test_a_second_drain_worker_skips_the_batch_the_first_holds(client, catalogue, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer and no row locks; the race needs PostgreSQL")
    from finegrid.intake.keys import issue_key

    _, key = issue_key("测试应用")
    for n in range(4):
        response = client.post(f"{V2}/requests.json", {"api_key": key, "service_code": "C0101", "lat": GRID_A[1],
                                                       "long": GRID_A[0], "description": f"井盖没了{n}",
                                                       "attribute[depth]": "20"})
        assert response.status_code == 200
    holding, release, results = threading.Event(), threading.Event(), {}
    real = inbox._open_or_set_aside

    def slow(rows, now):  # the first worker sits on its locked batch until told to go on
        if threading.current_thread().name == "first":
            holding.set()
            assert release.wait(30)
        return real(rows, now)

    monkeypatch.setattr(inbox, "_open_or_set_aside", slow)

    def first():
        try:
            results["first"] = inbox.drain(limit=2)
        finally:
            connection.close()  # this thread's own connection

    worker = threading.Thread(target=first, name="first")
    worker.start()
    try:
        assert holding.wait(30)
        with connection.cursor() as cursor:  # waiting for the first worker's locks would fail here
            cursor.execute("SET lock_timeout = '3s'")
        results["second"] = inbox.drain(limit=2)
    finally:
        release.set()
        worker.join(30)
    assert results == {"first": {"open311_opened": 2}, "second": {"open311_opened": 2}}
    assert Case.objects.count() == 4 and not Queued.objects.filter(done_at__isnull=True).exists()
