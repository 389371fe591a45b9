"""The Open311 inbox: a POST is checked and queued in one short transaction and answered with a
token (GeoReport v2 `batch` services); `drain` turns the queue into cases in batches.

Why: opening a case in the request (duplicate check, classification, location, 立案 and 派遣,
notices: ~37 queries) held a POST at 40–60 ms and SQLite's single writer made a burst of apps
queue behind each other. The checks a client must hear about at once (key, service, fields,
answers, a point inside the district) are made here from caches; everything else happens in the
worker, where a batch shares one read of the catalogue, the calendar and the matrix."""

import contextlib
import fcntl
import json
import logging
import os
import secrets
import threading
import time

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone

from finegrid.cases.models import Case
from finegrid.grid.locate import current_index

from .intake import IntakeError, Submission
from .models import Queued

logger = logging.getLogger("finegrid.intake.inbox")

FRESH_FOR = 30.0  # seconds a cached catalogue or grid index is trusted before it is checked again
BATCH = 2000
FIELDS = ("title", "description", "category_code", "lon", "lat", "address", "area_code", "reporter_name",
          "reporter_phone", "urgency", "answers", "media_urls")


class Fresh:
    """A value recomputed at most every FRESH_FOR seconds per process (per gunicorn worker)."""

    def __init__(self, compute):
        self.compute, self.lock = compute, threading.Lock()
        self.value, self.at = None, float("-inf")

    def get(self):
        with self.lock:
            if time.monotonic() - self.at > FRESH_FOR:
                self.value, self.at = self.compute(), time.monotonic()
            return self.value

    def forget(self) -> None:
        """The next `get` computes again (an administrator's save, a test that changed the data)."""
        with self.lock:
            self.at = float("-inf")


# The locator checks the grids' fingerprint (two aggregates over 20,000 micro-grids) on every call;
# a POST needs only "inside the district?", so the index is re-checked every 30 s instead.
grid_index = Fresh(current_index)


def warm_up() -> None:
    """What an Open311 POST needs, made before the server process takes its first request."""
    from .open311.catalogue import services_now

    grid_index.get()
    services_now()


def same_report(found: Queued, sub) -> bool:
    """Whether a replay under the same key carries the report `found` holds (compared as stored)."""
    payload = {name: getattr(sub, name) for name in FIELDS}
    return json.loads(json.dumps(payload, cls=DjangoJSONEncoder)) == found.payload


def queue(sub, *, now=None) -> tuple[Queued, bool]:
    """Write the checked submission as one waiting row; (row, created). A replay of the same key
    answers with the first row (whether or not it has become a case since). The INSERT comes
    first: a fresh report, the common case, costs one statement; a replay finds its row after the
    unique key refused the copy."""
    now = now or timezone.now()
    payload = {name: getattr(sub, name) for name in FIELDS}
    try:
        # One INSERT is its own transaction; a savepoint is needed only inside a caller's transaction
        # (a test's), so that the refused copy does not spoil it.
        inside = transaction.get_connection().in_atomic_block
        with _one_writer(), transaction.atomic() if inside else contextlib.nullcontext():
            return Queued.objects.create(token=new_token(), key=sub.key, api_key=sub.api_key, payload=payload,
                                         received_at=sub.reported_at or now), True
    except IntegrityError:
        found = Queued.objects.filter(key=sub.key).first()
        if found is None:
            raise
        return found, False


_writer = threading.Lock()
_lock_file = None


@contextlib.contextmanager
def _one_writer():
    """SQLite lets one connection write at a time, and a connection that finds the lock taken
    sleeps in steps of up to 100 ms before it tries again: that sleep was the POST's p99. The
    server's threads and processes queue on a file lock beside the database instead, and the
    kernel wakes the next one as soon as the lock is free."""
    connection = transaction.get_connection()
    database = str(connection.settings_dict["NAME"])
    if connection.vendor != "sqlite" or not os.path.isfile(database):  # PostgreSQL, or an in-memory test database
        yield
        return
    with _writer:
        handle = _writer_file(database)
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _writer_file(database: str):
    global _lock_file
    if _lock_file is None or _lock_file.name != f"{database}.inbox-lock":
        _lock_file = open(f"{database}.inbox-lock", "a+b")  # noqa: SIM115 (held for the process's life)
    return _lock_file


def new_token() -> str:
    return secrets.token_hex(8)


def drain(limit: int = BATCH, now=None) -> dict:
    """Open the waiting reports as cases, oldest first, one transaction per batch. Rows another
    worker holds are skipped, not waited for (PostgreSQL's SKIP LOCKED): two workers share the
    queue, each batch goes to exactly one of them, and a worker never stands idle behind another's
    batch. SQLite has no row locks and one writer: there the second worker waits its turn."""
    now = now or timezone.now()
    opened = 0
    while True:
        with transaction.atomic():
            waiting = Queued.objects.select_for_update(skip_locked=True).filter(done_at__isnull=True)
            rows = list(waiting.order_by("id")[:limit])
            if not rows:
                break
            opened += _open_or_set_aside(rows, now)
        if len(rows) < limit:
            break
    return {"open311_opened": opened}


def _open_or_set_aside(rows: list[Queued], now) -> int:
    """The batch at once; should it fail, row by row, and a row that fails alone is marked done with
    its error, so that one report the engine cannot take never holds up the reports behind it."""
    try:
        with transaction.atomic():
            return _open(rows, now)
    except Exception:
        logger.exception("a batch of %d queued reports failed; opening them one by one", len(rows))
    opened = 0
    for row in rows:
        try:
            with transaction.atomic():
                opened += _open([row], now)
        except Exception as error:
            logger.exception("queued report %s cannot become a case; set aside", row.token)
            row.done_at, row.error = now, f"{type(error).__name__}: {error}"[:500]
            row.save(update_fields=["done_at", "error"])
    return opened


def _open(rows: list[Queued], now) -> int:
    """The rows through the one entrance; each is marked done with its case, or with the reason
    it was refused (a check only the worker can make: the category left the public catalogue, an
    address naming another district), which the client reads from its token."""
    from .entrance import take_in  # the entrance classifies through the inbox's Fresh caches

    results = take_in([_submission(row) for row in rows], now=now)
    opened = 0
    for row, result in zip(rows, results):
        if isinstance(result, IntakeError):
            row.error = str(result)[:500]
        else:
            row.case_id = result.case.pk
            opened += result.created
        row.done_at = now
    Queued.objects.bulk_update(rows, ["case", "done_at", "error"], batch_size=1000)
    return opened


def _submission(row: Queued) -> Submission:
    """The queued report as it was checked at the POST; the key and token are the row's own."""
    p = row.payload
    return Submission(
        channel=Case.Channel.OPEN311, title=p["title"], description=p["description"],
        category_code=p["category_code"], lon=p["lon"], lat=p["lat"], address=p["address"], area_code=p["area_code"],
        reporter_name=p["reporter_name"], reporter_phone=p["reporter_phone"], urgency=p["urgency"],
        answers=p["answers"], media_urls=p["media_urls"], key=row.key, token=row.token, api_key=row.api_key_id,
        reported_at=row.received_at,
    )
