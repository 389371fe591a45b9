"""Open311 API keys: issued by `finegrid open311-key create NAME`, stored as a hash (a
`core.ApiToken` of purpose "open311", beside the REST API's bearer tokens), revocable."""

import hashlib
import secrets
import time
from datetime import timedelta

from django.utils import timezone

from finegrid.core.models import ApiToken

OPEN311 = ApiToken.Purpose.OPEN311

TOUCH_EVERY = timedelta(minutes=1)  # last_used_at is written at most this often


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue_key(name: str) -> tuple[ApiToken, str]:
    """A new key: 32 random bytes, so a plain sha256 is enough to store it (no salt, no KDF)."""
    key = "o311_" + secrets.token_urlsafe(32)
    record = ApiToken.objects.create(purpose=OPEN311, name=name, key_hash=key_hash(key), prefix=key[:8])
    return record, key


# key hash → (record, monotonic time read): an app posting hundreds of reports a second would
# otherwise read its key once per POST. A key revoked by another process stops working within
# REMEMBER seconds; `forget` drops the memory at once in this one.
_known: dict[str, tuple] = {}
REMEMBER = 30.0


def valid_key(key: str) -> ApiToken | None:
    if not key or len(key) > 200:
        return None
    digest = key_hash(key)
    known = _known.get(digest)
    if known is not None and time.monotonic() - known[1] < REMEMBER:
        record = known[0]
    else:
        # A REST API bearer token is no Open311 key: the purpose is part of the lookup.
        record = ApiToken.objects.filter(purpose=OPEN311, key_hash=digest, revoked_at__isnull=True).first()
        if record is None:
            _known.pop(digest, None)
            return None
        _known[digest] = (record, time.monotonic())
    now = timezone.now()
    if record.last_used_at is None or now - record.last_used_at >= TOUCH_EVERY:
        record.last_used_at = now
        ApiToken.objects.filter(pk=record.pk).update(last_used_at=now)
    return record


def forget() -> None:
    _known.clear()
