"""督办: the deadline worker (yellow, red, escalation), outbound deliveries and `finegrid worker`.

One case of C0101 (4 工作时) is accepted and dispatched at 10:00 on Tuesday 10 March 2026: it is
due at 15:30 (two hours before lunch, two after 13:30), yellow at 14:42 (3.2 working hours),
and goes to the leaders at 17:30 (two further working hours)."""

import hashlib
import hmac
import json
import logging
import os
import signal
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from finegrid.cases import deadlines, supervision
from finegrid.cases.calendar import WorkCalendar
from finegrid.cases.models import Case, Delivery, Notice, Transition, WebhookEndpoint
from finegrid.cases.notices import fan_out, notify
from finegrid.cases.outbound import backoff, deliver_pending
from finegrid.cases.reporting import open_case
from finegrid.cases.supervision import Plan
from finegrid.cases.tests.factories import make_user
from finegrid.cases.workflow import perform
from finegrid.grid.models import Region
from finegrid.org.models import Person, Role

TUESDAY = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
YELLOW = datetime(2026, 3, 10, 6, 42, tzinfo=UTC)  # 14:42
DUE = datetime(2026, 3, 10, 7, 30, tzinfo=UTC)  # 15:30
LEADERS = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)  # 17:30
MINUTE = timedelta(minutes=1)


def tick(now=None, **options) -> dict:
    """The worker's deadline step, then its notice step, as `finegrid worker` runs them."""
    counts = supervision.tick(now, **options)
    fan_out()
    return counts


def _dispatched(world, **kwargs) -> Case:
    case = open_case(channel="patrol", title="井盖缺失", category_code="C0101", lon=119.4075, lat=32.4150,
                     now=TUESDAY, **kwargs)
    perform(case, "accept", world["operator"], now=TUESDAY)
    perform(case, "dispatch", world["dispatcher"], unit=world["cgj"], now=TUESDAY)
    fan_out()  # the unit hears of it from the worker's notice step
    return case


def _fresh(case) -> Case:
    return Case.objects.get(pk=case.pk)


def _actions(case, action) -> list:
    return list(Transition.objects.filter(case=case, action=action).order_by("seq").values_list("data", flat=True))


@pytest.mark.parametrize("now, alarm, escalation, next_check", [
    (TUESDAY, "", 0, YELLOW),
    (YELLOW - timedelta(seconds=1), "", 0, YELLOW),
    (YELLOW, "yellow", 0, DUE),
    (DUE - timedelta(seconds=1), "yellow", 0, DUE),
    (DUE, "red", 1, LEADERS),
    (LEADERS, "red", 2, None),
])
def test_the_plan_is_a_function_of_the_case_and_the_clock(now, alarm, escalation, next_check):
    case = Case(state="handling", accepted_at=TUESDAY, due_at=DUE, limit_value=4, limit_kind="work_hours")
    assert supervision.plan_for(case, now, WorkCalendar.default()) == Plan(alarm, escalation, next_check)


def test_the_plan_never_lowers_a_stored_level():
    case = Case(state="handling", accepted_at=TUESDAY, due_at=DUE, limit_value=4, limit_kind="work_hours",
                alarm="red", escalation=1)
    assert supervision.plan_for(case, TUESDAY, WorkCalendar.default()) == Plan("red", 1, LEADERS)


def test_a_dispatched_case_is_scheduled_for_its_yellow_point(world):
    case = _dispatched(world)
    counts = tick(TUESDAY)
    assert (counts["claimed"], counts["rescheduled"], counts["yellow"]) == (1, 1, 0)
    assert _fresh(case).next_check_at == YELLOW and _fresh(case).alarm == ""


def test_a_case_turns_yellow_at_80_percent_of_its_limit_once(world):
    case = _dispatched(world)
    tick(TUESDAY)
    assert tick(YELLOW - MINUTE)["claimed"] == 0
    assert tick(YELLOW)["yellow"] == 1
    assert tick(YELLOW)["claimed"] == 0 and tick(YELLOW + 10 * MINUTE)["claimed"] == 0
    case = _fresh(case)
    assert case.alarm == "yellow" and case.next_check_at == DUE
    assert _actions(case, "warn") == [{"alarm": "yellow"}]
    fraction = deadlines.calendar_in_force().elapsed_fraction(case.accepted_at, deadlines.limit_of(case), DUE, YELLOW)
    assert fraction == pytest.approx(0.8)


def test_a_case_turns_red_at_its_deadline_once_and_its_unit_hears_of_both(world):
    case = _dispatched(world)
    for now in (TUESDAY, YELLOW, DUE - MINUTE, DUE, DUE, DUE + MINUTE):
        tick(now)
    assert _fresh(case).alarm == "red"
    assert _actions(case, "warn") == [{"alarm": "yellow"}, {"alarm": "red"}]
    kinds = Notice.objects.filter(case=case, unit=world["cgj"]).exclude(kind="assigned")
    assert sorted(kinds.values_list("kind", flat=True)) == ["red", "yellow"]
    assert "15:30" in kinds.get(kind="red").body


def test_an_overdue_case_goes_to_its_areas_supervisors_then_to_the_leaders(world):
    supervisor_a = world["street_sup"]  # street 001's
    supervisor_b = make_user("supervisor_b", Role.SUPERVISOR, region=Region.objects.get(code="321002002"))
    leader_b = make_user("leader_b", Role.LEADER, region=Region.objects.get(code="321002002"))
    case = _dispatched(world)
    for now in (TUESDAY, YELLOW, DUE):
        tick(now)
    escalated = Notice.objects.filter(case=case, kind="escalate")
    assert set(escalated.values_list("recipient__username", flat=True)) == {"supervisor", "street_sup"}
    assert _fresh(case).escalation == 1 and _fresh(case).next_check_at == LEADERS

    assert tick(LEADERS - MINUTE)["escalated"] == 0
    assert tick(LEADERS)["escalated"] == 1
    assert set(escalated.values_list("recipient__username", flat=True)) == {"supervisor", "street_sup", "leader"}
    assert not escalated.filter(recipient__in=[supervisor_b, leader_b]).exists()
    assert _actions(case, "escalate") == [{"level": 1}, {"level": 2}]
    assert _fresh(case).next_check_at is None  # nothing more can happen


def test_the_leader_in_charge_hears_of_a_level_2_escalation(world):
    owner = make_user("owner", Role.LEADER, region=Region.objects.get(code="321002001"))  # street 001's leader
    case = _dispatched(world)
    perform(case, "own", owner, now=TUESDAY)
    tick(TUESDAY)
    tick(LEADERS)
    assert owner.notices.filter(case=case, kind="escalate").count() == 1


def test_closed_cases_stop_being_checked(world):
    case = _dispatched(world)
    tick(TUESDAY)
    perform(case, "start", world["handler_cgj"], now=TUESDAY + MINUTE)
    perform(case, "report_done", world["handler_cgj"], now=TUESDAY + 2 * MINUTE)
    perform(case, "close", world["operator"], now=TUESDAY + 3 * MINUTE)
    assert _fresh(case).next_check_at is None
    Case.objects.filter(pk=case.pk).update(next_check_at=TUESDAY)  # a schedule that raced the closing
    assert tick(DUE)["cleared"] == 1
    assert _fresh(case).next_check_at is None and _fresh(case).alarm == "" and not _actions(case, "warn")


def test_a_case_not_yet_accepted_is_not_watched(world):
    case = open_case(channel="patrol", title="井盖缺失", category_code="C0101", lon=119.4075, lat=32.4150, now=TUESDAY)
    Case.objects.filter(pk=case.pk).update(next_check_at=TUESDAY)
    assert tick(DUE)["cleared"] == 1
    assert _fresh(case).next_check_at is None and not _actions(case, "warn")


def test_a_tick_with_nothing_due_is_one_query_per_watched_model_and_changes_nothing(world, django_assert_num_queries):
    case = _dispatched(world)
    tick(TUESDAY)
    with django_assert_num_queries(len(supervision.WATCHES)):
        counts = supervision.tick(YELLOW - MINUTE)
    assert not any(counts.values())
    assert _fresh(case).next_check_at == YELLOW


def test_a_clock_jumping_back_does_not_lower_alarms(world):
    case = _dispatched(world)
    for now in (TUESDAY, DUE):
        tick(now)
    before = Transition.objects.filter(case=case).count()
    Case.objects.filter(pk=case.pk).update(next_check_at=TUESDAY)  # due again, seen by a clock an hour behind
    assert tick(TUESDAY + timedelta(hours=1))["claimed"] == 1
    case = _fresh(case)
    assert (case.alarm, case.escalation, case.next_check_at) == ("red", 1, LEADERS)
    assert Transition.objects.filter(case=case).count() == before


def test_a_clock_jumping_forward_gives_one_red_warning_and_both_escalations(world):
    case = _dispatched(world)
    tick(TUESDAY)
    counts = tick(TUESDAY + timedelta(days=3))
    assert (counts["yellow"], counts["red"], counts["escalated"]) == (0, 1, 2)
    assert _actions(case, "warn") == [{"alarm": "red"}]
    assert _actions(case, "escalate") == [{"level": 1}, {"level": 2}]
    assert _fresh(case).next_check_at is None


def test_a_worker_killed_mid_case_loses_nothing_and_repeats_nothing(world, monkeypatch):
    case = _dispatched(world)
    tick(TUESDAY)

    def killed(*args, **kwargs):
        raise KeyboardInterrupt  # what SIGKILL would do after the claim, before the warning row

    monkeypatch.setattr(supervision, "perform", killed)
    with pytest.raises(KeyboardInterrupt):
        tick(YELLOW)
    assert _fresh(case).next_check_at == YELLOW and _fresh(case).alarm == "" and not _actions(case, "warn")
    monkeypatch.undo()
    assert tick(YELLOW)["yellow"] == 1 and tick(YELLOW)["yellow"] == 0
    assert len(_actions(case, "warn")) == 1


def test_a_case_that_raises_is_put_off_and_does_not_block_the_others(world, monkeypatch):
    broken, fine = _dispatched(world), _dispatched(world)
    tick(TUESDAY)
    real = supervision.perform

    def perform_or_fail(case, *args, **kwargs):
        if case.pk == broken.pk:
            raise RuntimeError("bug")
        return real(case, *args, **kwargs)

    monkeypatch.setattr(supervision, "perform", perform_or_fail)
    counts = tick(YELLOW)
    assert (counts["errors"], counts["yellow"]) == (1, 1)
    assert _fresh(broken).next_check_at == YELLOW + supervision.RETRY and _fresh(fine).alarm == "yellow"


def test_a_case_a_person_changed_meanwhile_is_left_for_the_next_tick(world):
    case = _dispatched(world)
    tick(TUESDAY)
    stale = _fresh(case)
    perform(case, "start", world["handler_cgj"], now=YELLOW)  # bumps the version under the worker's feet
    counts = supervision.supervise(stale, YELLOW, YELLOW, deadlines.calendar_in_force())
    assert counts["conflicts"] == 1 and not _actions(case, "warn")
    assert _fresh(case).next_check_at == YELLOW
    assert tick(YELLOW)["yellow"] == 1


def test_a_second_worker_with_the_same_list_takes_no_case_twice(world):
    cases = [_dispatched(world) for _ in range(3)]
    tick(TUESDAY)
    stale = [_fresh(case) for case in cases]  # worker B read its list before worker A's tick
    assert tick(YELLOW)["yellow"] == 3
    calendar = deadlines.calendar_in_force()
    for case in stale:
        assert supervision.supervise(case, YELLOW, YELLOW, calendar)["claimed"] == 0
    assert Transition.objects.filter(action="warn").count() == 3


@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_on_postgresql_warn_each_case_once(world):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the threaded race needs PostgreSQL's row locks")
    cases = [_dispatched(world) for _ in range(20)]
    tick(TUESDAY)
    start, results = threading.Barrier(2), []

    def worker():
        try:
            start.wait()
            results.append(tick(YELLOW))
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(result["claimed"] for result in results) == 20
    assert sum(result["yellow"] for result in results) == 20
    for case in cases:
        assert len(_actions(case, "warn")) == 1


def test_an_approved_extension_moves_the_next_check_but_keeps_the_alarm(world):
    case = _dispatched(world)
    tick(TUESDAY)
    tick(YELLOW)
    case = _fresh(case)  # the warning bumped its version
    perform(case, "extend_request", world["handler_cgj"], reason="需采购井盖", data={"limit": "1工作日"}, now=YELLOW)
    perform(case, "extend_approve", world["supervisor"], now=YELLOW + MINUTE)
    assert tick(YELLOW + MINUTE)["claimed"] == 1
    case = _fresh(case)
    assert case.alarm == "yellow" and case.next_check_at == case.due_at == datetime(2026, 3, 11, 7, 30, tzinfo=UTC)


def test_a_reopened_case_gets_a_fresh_window(world):
    case = _dispatched(world)
    perform(case, "report_done", world["handler_cgj"], now=TUESDAY + MINUTE)
    perform(case, "close", world["operator"], now=TUESDAY + 2 * MINUTE)
    perform(case, "rate", world["operator"], data={"rating": 1}, now=TUESDAY + 3 * MINUTE)
    wednesday = TUESDAY + timedelta(days=1)
    perform(case, "reopen", world["operator"], reason="井盖又丢了", now=wednesday)
    assert tick(wednesday)["yellow"] == 0
    assert _fresh(case).next_check_at == YELLOW + timedelta(days=1)


# Outbound deliveries ---------------------------------------------------------------------------


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.requests.append((dict(self.headers), body))
        status = self.server.answers.pop(0) if self.server.answers else 200
        self.send_response(status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver(settings):
    """A real HTTP server on a free local port; `answers` lists the statuses it will give. It is on
    this machine, so private addresses are allowed (FINEGRID_WEBHOOKS_PRIVATE)."""
    settings.FINEGRID_WEBHOOKS_PRIVATE = True
    server = HTTPServer(("127.0.0.1", 0), Receiver)
    server.requests, server.answers = [], []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _endpoint(server, **kwargs):
    return WebhookEndpoint.objects.create(name="hook", url=f"http://127.0.0.1:{server.server_port}/hook",
                                          secret="s3cret-key", **kwargs)


def test_a_webhook_is_delivered_signed_and_without_personal_data(world, receiver):
    _endpoint(receiver)
    case = _dispatched(world, reporter_name="张三", reporter_phone="13812345678")
    assert deliver_pending()["sent"] == 1
    (headers, body), = receiver.requests
    expected = "sha256=" + hmac.new(b"s3cret-key", body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["X-Finegrid-Signature"], expected)
    delivery = Delivery.objects.get()
    assert headers["X-Finegrid-Event"] == "assigned" and headers["X-Finegrid-Delivery"] == str(delivery.pk)
    data = json.loads(body)
    assert data["event"] == "assigned" and data["case"]["ticket"] == case.ticket
    assert data["case"]["unit"] == "区城市管理局" and data["case"]["due_at"] == DUE.isoformat()
    assert "13812345678" not in body.decode() and "张三" not in body.decode()
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("sent", 1, None)


def test_a_webhook_only_gets_the_events_it_asked_for(world, receiver):
    _endpoint(receiver, events=["red"])
    case = _dispatched(world)  # an "assigned" notice
    assert not Delivery.objects.exists()
    notify("red", case, unit=world["cgj"], title="超期")
    assert Delivery.objects.get().channel == "webhook"


def test_a_failing_webhook_is_retried_with_back_off_then_failed(world, receiver):
    _endpoint(receiver)
    receiver.answers = [500] * 8
    notify("info", None, unit=world["cgj"], title="测试")
    now = timezone.now()
    assert deliver_pending(now) == {"sent": 0, "retried": 1, "failed": 0}
    delivery = Delivery.objects.get()
    assert delivery.attempts == 1 and "500" in delivery.last_error and delivery.next_attempt_at == now + MINUTE
    assert deliver_pending(now + 30 * timedelta(seconds=1))["retried"] == 0  # not yet
    waits = []
    while delivery.status == "pending":
        waits.append(delivery.next_attempt_at - now)
        now = delivery.next_attempt_at
        deliver_pending(now)
        delivery.refresh_from_db()
    assert waits == [backoff(n) for n in range(1, 8)] == [timedelta(minutes=2 ** k) for k in range(7)]
    assert (delivery.status, delivery.attempts, len(receiver.requests)) == ("failed", 8, 8)
    assert "500" in delivery.last_error and delivery.next_attempt_at is None


def test_a_webhook_that_recovers_is_sent_on_the_retry(world, receiver):
    _endpoint(receiver)
    receiver.answers = [503]
    notify("info", None, unit=world["cgj"], title="测试")
    now = timezone.now()
    assert deliver_pending(now)["retried"] == 1
    assert deliver_pending(now + MINUTE)["sent"] == 1
    assert Delivery.objects.get().status == "sent"


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::ffff:127.0.0.1]"])
def test_a_webhook_to_this_machine_or_the_private_network_is_refused(world, receiver, settings, host):
    settings.FINEGRID_WEBHOOKS_PRIVATE = False  # the default: SSRF into the district's own network
    WebhookEndpoint.objects.create(name="inside", url=f"http://{host}:{receiver.server_port}/hook", secret="x")
    notify("info", None, unit=world["cgj"], title="测试")
    assert deliver_pending()["sent"] == 0
    assert receiver.requests == [] and "private" in Delivery.objects.get().last_error


@pytest.mark.parametrize("address", ["10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "::1", "fc00::1",
                                     "0.0.0.0", "100.64.0.1"])
def test_private_and_reserved_addresses_are_refused(settings, address):
    from finegrid.cases.outbound import PrivateAddress, check_peer

    settings.FINEGRID_WEBHOOKS_PRIVATE = False
    with pytest.raises(PrivateAddress):
        check_peer(address)
    check_peer("93.184.216.34")


def test_an_unreachable_webhook_is_retried(world, settings):
    settings.FINEGRID_WEBHOOKS_PRIVATE = True
    WebhookEndpoint.objects.create(name="gone", url="http://127.0.0.1:9/hook", secret="x")
    notify("info", None, unit=world["cgj"], title="测试")
    assert deliver_pending()["retried"] == 1
    assert Delivery.objects.get().last_error


def _staff(world, username, email="", phone=""):
    user = world[username]
    user.email = email
    user.save()
    Person.objects.create(user=user, full_name=username, phone=phone, unit=world["cgj"])
    return user


def test_unit_people_with_an_address_get_notices_by_mail(world, mailoutbox):
    _staff(world, "handler_cgj", email="cgj@example.org")
    _staff(world, "dispatcher")  # in the unit, no address
    case = _dispatched(world)
    assert list(Delivery.objects.values_list("channel", "address")) == [("email", "cgj@example.org")]
    assert deliver_pending()["sent"] == 1
    mail, = mailoutbox
    assert mail.to == ["cgj@example.org"] and case.ticket in mail.subject and case.ticket in mail.body


def test_an_escalation_is_mailed_to_the_supervisor_in_person(world, mailoutbox):
    world["supervisor"].email = "duty@example.org"
    world["supervisor"].save()
    case = _dispatched(world)
    tick(TUESDAY)
    tick(DUE)
    deliver_pending(timezone.now())
    assert [m.to for m in mailoutbox] == [["duty@example.org"]]
    assert case.ticket in mailoutbox[0].subject


def test_red_notices_go_by_sms_through_the_configured_sender(world, settings, caplog):
    settings.FINEGRID_SMS_SENDER = "finegrid.cases.outbound.LogSmsSender"
    _staff(world, "handler_cgj", phone="13812345678")
    case = _dispatched(world)  # "assigned": no SMS
    assert not Delivery.objects.filter(channel="sms").exists()
    notify("red", case, unit=world["cgj"], title="超期: 井盖缺失")
    assert Delivery.objects.get(channel="sms").address == "13812345678"
    with caplog.at_level(logging.INFO, logger="finegrid.cases.outbound"):
        assert deliver_pending()["sent"] == 1
    assert "138****5678" in caplog.text and "13812345678" not in caplog.text and "超期" in caplog.text


def test_no_sms_is_queued_when_sms_is_off(world, settings):
    settings.FINEGRID_SMS_SENDER = ""
    _staff(world, "handler_cgj", phone="13812345678")
    notify("red", None, unit=world["cgj"], title="超期")
    assert not Delivery.objects.filter(channel="sms").exists()


# The worker command ----------------------------------------------------------------------------


def test_the_worker_once_runs_one_tick_and_logs_what_it_did(world, caplog):
    case = _dispatched(world)
    tick(TUESDAY)
    with time_machine.travel(YELLOW, tick=False), caplog.at_level(logging.INFO, logger="finegrid.worker"):
        call_command("worker", "--once", "--only", "tick")
    assert _fresh(case).alarm == "yellow"
    assert "claimed=1" in caplog.text and "yellow=1" in caplog.text


def test_the_worker_only_runs_the_steps_it_is_given(world, monkeypatch):
    ran = []
    for name, path in [("sensing", "finegrid.sensing.tick.tick"), ("insight", "finegrid.insight.schedule.step"),
                       ("inbox", "finegrid.intake.inbox.drain")]:
        module, function = path.rsplit(".", 1)
        monkeypatch.setattr(__import__(module, fromlist=[function]), function, lambda name=name: ran.append(name) or {})
    call_command("worker", "--once", "--only", "inbox,sensing")
    assert sorted(ran) == ["inbox", "sensing"]
    ran.clear()
    call_command("worker", "--once", "--only", "insight", "--only", "tick")
    assert ran == ["insight"]
    ran.clear()
    call_command("worker", "--once")  # no --only: every step
    assert sorted(ran) == ["inbox", "insight", "sensing"]


def test_an_unknown_worker_step_is_refused_with_the_known_ones(world):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="unknown worker step nope; the steps are tick, .*insight"):
        call_command("worker", "--once", "--only", "tick,nope")


def test_the_worker_logs_nothing_when_nothing_happened(world, caplog):
    with caplog.at_level(logging.INFO, logger="finegrid.worker"):
        call_command("worker", "--once")
    assert "tick:" not in caplog.text


def test_the_worker_stops_cleanly_on_sigterm(world, caplog):
    before = signal.getsignal(signal.SIGTERM)
    timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGTERM))
    timer.start()
    with caplog.at_level(logging.INFO, logger="finegrid.worker"):
        call_command("worker", "--interval", "0.05")  # returns instead of being killed
    timer.join()
    assert "worker stopped" in caplog.text
    assert signal.getsignal(signal.SIGTERM) is before  # the previous handler is back


def test_a_wrong_sms_sender_stops_the_worker_at_start(world, settings):
    from django.core.management.base import CommandError

    settings.FINEGRID_SMS_SENDER = "finegrid.nowhere.Sender"
    with pytest.raises(CommandError, match="FINEGRID_SMS_SENDER"):
        call_command("worker", "--once")
