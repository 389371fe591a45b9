"""Notices come from the transition rows: every path that writes a row is told by the worker's
notice step, once, also when the worker dies half-way or two run at once."""

import threading

import pytest
from django.db import connection, connections  # noqa: F401 — `connection` is read by skipif

from finegrid.cases import notices, outbound
from finegrid.cases.bulk import Report, open_many
from finegrid.cases.models import Delivery, Notice, Transition, WebhookEndpoint
from finegrid.cases.notices import fan_out
from finegrid.cases.tests.test_supervision import _endpoint, receiver  # noqa: F401 — the HTTP receiver fixture
from finegrid.cases.tests.test_workflow import TUESDAY, _case
from finegrid.cases.workflow import perform
from finegrid.grid.models import Region
from finegrid.org.models import Responsibility


def _dispatched(world):
    case = _case(world)
    perform(case, "accept", world["operator"], now=TUESDAY)
    perform(case, "dispatch", world["dispatcher"], unit=world["cgj"], now=TUESDAY)
    return case


def test_an_action_writes_no_notice_itself_and_the_step_tells_it_once(world):
    case = _dispatched(world)
    assert not Notice.objects.exists()
    assert fan_out() == {"transitions": 3, "notices": 1}
    notice = Notice.objects.get()
    assert (notice.kind, notice.unit, notice.case) == ("assigned", world["cgj"], case)
    assert (notice.subject_type, notice.subject_id, notice.link) == ("cases.case", case.pk, f"/console/cases/{case.ticket}/")
    assert fan_out() == {"transitions": 0, "notices": 0}
    assert not Transition.objects.filter(notified=False).exists()


def test_a_batch_opened_case_reaches_the_units_webhook(world, receiver):  # noqa: F811
    _endpoint(receiver)
    Responsibility.objects.create(category_code="C01", region=Region.objects.get(code="321002"), unit=world["cgj"])
    [case] = open_many([Report(title="井盖缺失", channel="hotline", category_code="C0101", lon=119.4075, lat=32.4150)],
                       accept=True, now=TUESDAY)
    fan_out()
    assert outbound.deliver_pending()["sent"] == 1
    (headers, body), = receiver.requests
    assert headers["X-Finegrid-Event"] == "assigned" and case.ticket in body.decode()


def test_a_worker_killed_between_the_transition_and_its_notice_tells_it_once_after_restart(world, monkeypatch):
    _endpoint_row = WebhookEndpoint.objects.create(name="hook", url="http://127.0.0.1:9/hook", secret="x")
    _dispatched(world)

    def killed(batch):
        raise KeyboardInterrupt  # SIGKILL after the notices were written, before the rows were marked

    monkeypatch.setattr(notices, "SENDERS", [killed])
    with pytest.raises(KeyboardInterrupt):
        fan_out()
    assert not Notice.objects.exists() and Transition.objects.filter(notified=False).count() == 3
    monkeypatch.undo()
    fan_out()
    fan_out()
    assert Notice.objects.count() == 1
    assert list(Delivery.objects.values_list("endpoint", flat=True)) == [_endpoint_row.pk]


def test_a_delivery_sent_twice_carries_the_same_message_id(world, receiver, monkeypatch):  # noqa: F811
    _endpoint(receiver)
    _dispatched(world)
    fan_out()
    real = outbound._record

    def killed(*args):
        raise KeyboardInterrupt  # sent, then killed before the worker wrote that it was

    monkeypatch.setattr(outbound, "_record", killed)
    with pytest.raises(KeyboardInterrupt):
        outbound.deliver_pending()
    monkeypatch.setattr(outbound, "_record", real)
    delivery = Delivery.objects.get()
    assert delivery.status == "pending"
    outbound.deliver_pending(delivery.next_attempt_at)
    ids = [headers["X-Finegrid-Delivery"] for headers, body in receiver.requests]
    assert ids == [str(delivery.pk)] * 2 and Delivery.objects.get().status == "sent"


def test_a_retried_mail_keeps_its_message_id(world, mailoutbox):
    from finegrid.org.models import Person

    Person.objects.create(user=world["handler_cgj"], full_name="handler", unit=world["cgj"])
    world["handler_cgj"].email = "cgj@example.org"
    world["handler_cgj"].save()
    _dispatched(world)
    fan_out()
    delivery = Delivery.objects.get(channel="email")
    outbound._mail(delivery)
    outbound._mail(delivery)
    assert [m.extra_headers["Message-ID"] for m in mailoutbox] == [outbound.message_id(delivery)] * 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="needs two real server connections")
def test_two_workers_at_once_never_write_an_inbox_notice_twice(world):
    for _ in range(30):
        _dispatched(world)
    barrier, results = threading.Barrier(2), []

    def worker():
        try:
            barrier.wait()
            while True:
                counts = fan_out(limit=7)
                results.append(counts["notices"])
                if not counts["transitions"]:
                    break
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(results) == 30 == Notice.objects.count()
    assert Notice.objects.values("source").distinct().count() == 30


def test_the_notice_step_reads_a_fixed_number_of_queries_whatever_the_number_of_rows(world, django_assert_max_num_queries):
    for _ in range(12):
        case = _dispatched(world)
        perform(case, "supervise", world["supervisor"], reason="请加快", now=TUESDAY)
        perform(case, "warn", None, data={"alarm": "yellow"}, now=TUESDAY)
    from finegrid.cases.machine import MACHINES

    # The cases' rows, those that tell whole, the notices, the endpoints, the addresses, the marks
    # (and a savepoint around them); then one look at each other machine's table (the test shapes).
    with django_assert_max_num_queries(8 + 3 * (len(MACHINES) - 1)):
        counts = fan_out()
    assert counts == {"transitions": 12 * 5, "notices": 12 * 3}  # report, accept, dispatch, 督办, warning
    assert Notice.objects.filter(kind="yellow", body__contains="Beijing time").count() + Notice.objects.filter(
        kind="yellow", body__contains="北京时间").count() == 12
