"""Outbound channels for notices: webhooks, e-mail and SMS.

Every new notice queues one `Delivery` row per copy to send (`queue`, registered in
`notices.SENDERS` when the app starts); the worker's `deliver_pending` sends them outside any
transaction and retries a failure with exponential back-off (1, 2, 4 … minutes; failed after
8 attempts). Delivery is at least once: a receiver dedupes by the `X-Finegrid-Delivery` id.

- Webhooks: every active `WebhookEndpoint` whose `events` is empty or names the notice's kind
  gets a JSON POST (the event, the notice, the case's ticket, title, state, unit and deadline —
  no personal data), signed `X-Finegrid-Signature: sha256=<HMAC-SHA256 of the body, keyed
  with the endpoint's secret>`. Any answer but 2xx is a failure; redirects are not followed.
- E-mail: one copy per address — the recipient's, or those of the unit's people — sent with
  Django's mail backend (with a Message-ID that stays the same on a retry), so the EMAIL_* settings (FINEGRID_EMAIL_HOST …) choose the server.
- SMS: red (超期) and escalation notices only, to the phones of the recipient or the unit's
  people, through the sender named by FINEGRID_SMS_SENDER (empty: no SMS at all).

Plugging in a real SMS gateway: write a class with a `send(phone, text)` method that raises on
failure (an exception is retried like a webhook's 500) and gives up after a few seconds (the
worker waits for it), construct it with no arguments (read credentials from the environment),
and set FINEGRID_SMS_SENDER to its dotted path; `finegrid worker` refuses to start on a path
that does not import::

    class AliyunSms:
        def __init__(self):
            self.client = make_client(os.environ["ALIYUN_SMS_KEY"], ...)

        def send(self, phone: str, text: str) -> None:
            self.client.send_sms(phone_numbers=phone, template_param={"text": text})

`LogSmsSender` (FINEGRID_SMS_SENDER=finegrid.cases.outbound.LogSmsSender) writes each message
to the log instead, for demonstrations.
"""

import hashlib
import hmac
import http.client
import ipaddress
import json
import logging
import urllib.error
import urllib.request
from collections import Counter
from datetime import datetime, timedelta
from typing import Protocol

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.utils import timezone
from django.utils.module_loading import import_string

from finegrid.org.privacy import mask_phone

from .models import Delivery, Notice, WebhookEndpoint
from .notices import SENDERS

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
TIMEOUT = 10  # seconds a webhook receiver or the mail server has to answer
SMS_KINDS = frozenset({Notice.Kind.RED, Notice.Kind.ESCALATE})


class SmsSender(Protocol):
    """A text-message gateway: sends `text` to `phone` or raises."""

    def send(self, phone: str, text: str) -> None: ...


class LogSmsSender:
    """Writes text messages to the log (phone masked) instead of sending them: for demonstrations."""

    def send(self, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", mask_phone(phone), text)


def queue(notices: list[Notice]) -> list[Delivery]:
    """Queues the outbound copies of new notices (called by the notice step and `notices.notify`),
    reading the endpoints once and each recipient's addresses once per batch."""
    if not notices:
        return []
    endpoints = list(WebhookEndpoint.objects.filter(active=True))
    sms, addresses, rows = bool(_sms_path()), {}, []
    for notice in notices:
        due = notice.created_at
        rows += [Delivery(channel="webhook", notice=notice, endpoint=endpoint, next_attempt_at=due)
                 for endpoint in endpoints if not endpoint.events or notice.kind in endpoint.events]
        key = (notice.recipient_id, notice.unit_id)
        if key not in addresses:
            addresses[key] = _addresses(notice)
        emails, phones = addresses[key]
        rows += [Delivery(channel="email", notice=notice, address=email, next_attempt_at=due) for email in emails]
        if sms and notice.kind in SMS_KINDS:
            rows += [Delivery(channel="sms", notice=notice, address=phone, next_attempt_at=due) for phone in phones]
    return Delivery.objects.bulk_create(rows)


def _addresses(notice: Notice) -> tuple[list[str], list[str]]:
    """E-mail addresses and phones of the notice's recipient, or else of its unit's people."""
    if notice.recipient_id:
        people = get_user_model().objects.filter(pk=notice.recipient_id)
    elif notice.unit_id:
        people = get_user_model().objects.filter(person__unit=notice.unit_id)
    else:
        return [], []
    rows = people.filter(is_active=True).order_by("pk").values_list("email", "person__phone")
    emails, phones = [], []
    for email, phone in rows:
        _add(emails, email)
        _add(phones, phone)
    return emails, phones


def _add(found: list, value: str | None) -> None:
    value = (value or "").strip()
    if value and value not in found:
        found.append(value)


def deliver_pending(now: datetime | None = None, limit: int = 100) -> dict:
    """Sends the deliveries due at `now` (at most `limit`); returns counts of sent, retried, failed."""
    now = now or timezone.now()
    counts = Counter()
    due = list(Delivery.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now)
               .order_by("next_attempt_at").values_list("pk", "attempts")[:limit])
    sms = sms_sender() if due else None
    for pk, attempts in due:
        delivery = _claim(pk, attempts, now)
        if delivery is not None:
            counts[_record(delivery, _send(delivery, sms), now)] += 1
    return {key: counts[key] for key in ("sent", "retried", "failed")}


def backoff(attempt: int) -> timedelta:
    """The wait after failed attempt `attempt` (1-based): 1, 2, 4 … minutes."""
    return timedelta(minutes=2 ** (attempt - 1))


def _claim(pk: int, attempts: int, now: datetime) -> Delivery | None:
    # Counting the attempt and moving next_attempt_at to the retry time *before* sending is the
    # claim: a second worker's UPDATE finds `attempts` changed, and a worker killed mid-send
    # leaves a row that is simply tried again after the back-off.
    attempt = attempts + 1
    won = Delivery.objects.filter(pk=pk, status=Delivery.Status.PENDING, attempts=attempts).update(
        attempts=attempt, next_attempt_at=now + backoff(attempt))
    if not won:
        return None
    return Delivery.objects.select_related("notice__case__unit", "endpoint").get(pk=pk)


def _send(delivery: Delivery, sms: SmsSender | None) -> str | None:
    """Sends one delivery; returns None on success, else what went wrong."""
    try:
        if delivery.channel == "webhook":
            return post(delivery)
        if delivery.channel == "email":
            _mail(delivery)
        elif delivery.channel == "sms":
            if sms is None:
                return "FINEGRID_SMS_SENDER is not set"
            sms.send(delivery.address, sms_text(delivery.notice))
        else:
            return f"unknown channel {delivery.channel!r}"
    except Exception as error:  # a gateway or SMTP failure of any kind is retried
        return f"{type(error).__name__}: {error}"
    return None


def _record(delivery: Delivery, error: str | None, now: datetime) -> str:
    rows = Delivery.objects.filter(pk=delivery.pk)
    if error is None:
        rows.update(status=Delivery.Status.SENT, sent_at=now, next_attempt_at=None, last_error="")
        return "sent"
    logger.warning("delivery %s (%s) attempt %s failed: %s", delivery.pk, delivery.channel, delivery.attempts, error)
    if delivery.attempts >= MAX_ATTEMPTS:
        rows.update(status=Delivery.Status.FAILED, next_attempt_at=None, last_error=error[:2000])
        return "failed"
    rows.update(last_error=error[:2000])
    return "retried"


def payload(delivery: Delivery) -> bytes:
    """The webhook body: the event, the notice and its case, without anyone's personal data."""
    notice, case = delivery.notice, delivery.notice.case
    body = {
        "event": notice.kind,
        "notice": {"id": notice.pk, "kind": notice.kind, "title": notice.title, "body": notice.body,
                   "created_at": notice.created_at.isoformat()},
        "subject": {"type": notice.subject_type, "id": notice.subject_id, "link": notice.link},
        "case": case and {
            "ticket": case.ticket, "title": case.title, "state": case.state,
            "unit": case.unit.name if case.unit_id else None,
            "due_at": case.due_at.isoformat() if case.due_at else None,
        },
    }
    return json.dumps(body, ensure_ascii=False).encode()


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 3xx answer is an HTTPError, i.e. a failed delivery


class PrivateAddress(OSError):
    pass


def check_peer(address: str) -> None:
    """Refuse to talk to this machine or the private network (SSRF: a webhook URL naming
    127.0.0.1, 10.x, 169.254.169.254 …) unless FINEGRID_WEBHOOKS_PRIVATE allows it."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if getattr(ip, "ipv4_mapped", None):
        ip = ip.ipv4_mapped
    if settings.FINEGRID_WEBHOOKS_PRIVATE:
        return
    if not ip.is_global or ip.is_multicast:
        raise PrivateAddress(f"{ip} is a loopback, private or reserved address (FINEGRID_WEBHOOKS_PRIVATE)")


class _CheckedPeer:
    """Checks the address actually connected to, after the name was resolved: a DNS answer that
    changes between a check and the connection (rebinding) cannot slip past."""

    def connect(self):
        super().connect()
        try:
            check_peer(self.sock.getpeername()[0])
        except PrivateAddress:
            self.sock.close()
            raise


class _HTTPConnection(_CheckedPeer, http.client.HTTPConnection):
    pass


class _HTTPSConnection(_CheckedPeer, http.client.HTTPSConnection):
    pass


class _HTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(_HTTPConnection, req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req):
        return self.do_open(_HTTPSConnection, req, context=self._context)


_opener = urllib.request.build_opener(_NoRedirect, _HTTPHandler, _HTTPSHandler)


def post(delivery: Delivery) -> str | None:
    endpoint = delivery.endpoint
    if not endpoint.url.lower().startswith(("http://", "https://")):
        return f"not an http(s) URL: {endpoint.url}"
    body = payload(delivery)
    request = urllib.request.Request(endpoint.url, data=body, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "finegrid-webhook",
        "X-Finegrid-Event": delivery.notice.kind,
        "X-Finegrid-Delivery": str(delivery.pk),
        "X-Finegrid-Signature": signature(endpoint.secret, body),
    })
    try:
        with _opener.open(request, timeout=TIMEOUT) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        return f"HTTP {error.code} {error.reason}"
    except (urllib.error.URLError, OSError) as error:
        return f"{type(error).__name__}: {getattr(error, 'reason', error)}"
    return None if 200 <= status < 300 else f"HTTP {status}"


def _mail(delivery: Delivery) -> None:
    notice = delivery.notice
    # Django's SMTP backend waits forever unless told otherwise; a hung server must not stop the worker.
    connection = get_connection(timeout=getattr(settings, "EMAIL_TIMEOUT", None) or TIMEOUT)
    # A retried delivery is the same message: a stable Message-ID lets the receiver drop the copy.
    EmailMessage(notice.title, mail_text(notice), None, [delivery.address], connection=connection,
                 headers={"Message-ID": message_id(delivery)}).send()


def message_id(delivery: Delivery) -> str:
    return f"<finegrid-delivery-{delivery.pk}@finegrid.invalid>"


def mail_text(notice: Notice) -> str:
    lines = [notice.title, "", notice.body] if notice.body else [notice.title]
    case = notice.case
    if case is not None:
        lines += ["", f"{case.ticket} {case.title}"]
    return "\n".join(lines) + "\n"


def sms_text(notice: Notice) -> str:
    return f"【finegrid】{notice.title}"[:200]


def _sms_path() -> str:
    return getattr(settings, "FINEGRID_SMS_SENDER", "")


def sms_sender() -> SmsSender | None:
    """The configured SMS sender, or None when SMS is off."""
    path = _sms_path()
    if not path:
        return None
    found = import_string(path)
    return found() if isinstance(found, type) else found


if queue not in SENDERS:  # imported by CasesConfig.ready(); importing twice must not send twice
    SENDERS.append(queue)
