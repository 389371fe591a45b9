"""Open311 API keys: issued by `finegrid open311-key create NAME`, stored as a hash, revocable."""

import hashlib
import secrets
import time
from datetime import timedelta

from django.utils import timezone

from .models import Open311Key

TOUCH_EVERY = timedelta(minutes=1)  # last_used_at is written at most this often


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue_key(name: str) -> tuple[Open311Key, str]:
    """A new key: 32 random bytes, so a plain sha256 is enough to store it (no salt, no KDF)."""
    key = "o311_" + secrets.token_urlsafe(32)
    record = Open311Key.objects.create(name=name, key_hash=key_hash(key), prefix=key[:8])
    return record, key


# key hash → (record, monotonic time read): an app posting hundreds of reports a second would
# otherwise read its key once per POST. A key revoked by another process stops working within
# REMEMBER seconds; `forget` drops the memory at once in this one.
_known: dict[str, tuple] = {}
REMEMBER = 30.0


def valid_key(key: str) -> Open311Key | None:
    if not key or len(key) > 200:
        return None
    digest = key_hash(key)
    known = _known.get(digest)
    if known is not None and time.monotonic() - known[1] < REMEMBER:
        record = known[0]
    else:
        record = Open311Key.objects.filter(key_hash=digest, revoked_at__isnull=True).first()
        if record is None:
            _known.pop(digest, None)
            return None
        _known[digest] = (record, time.monotonic())
    now = timezone.now()
    if record.last_used_at is None or now - record.last_used_at >= TOUCH_EVERY:
        record.last_used_at = now
        Open311Key.objects.filter(pk=record.pk).update(last_used_at=now)
    return record


def forget() -> None:
    _known.clear()
