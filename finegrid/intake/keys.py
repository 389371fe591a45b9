"""Open311 API keys: issued by `finegrid open311-key create NAME`, stored as a hash (a
`core.ApiToken` of purpose "open311", beside the REST API's bearer tokens), revocable."""

import time

from finegrid.core.models import ApiToken, secret_hash

key_hash = secret_hash  # how a key is stored (the bench writes a key straight into a copy of the database)

OPEN311 = ApiToken.Purpose.OPEN311


def issue_key(name: str) -> tuple[ApiToken, str]:
    return ApiToken.issue(OPEN311, name)


# key → (record, monotonic time read): an app posting hundreds of reports a second would
# otherwise read its key once per POST. A key revoked by another process stops working within
# REMEMBER seconds; `forget` drops the memory at once in this one.
_known: dict[str, tuple] = {}
REMEMBER = 30.0


def valid_key(key: str) -> ApiToken | None:
    if not key or len(key) > 200:
        return None
    known = _known.get(key)
    if known is not None and time.monotonic() - known[1] < REMEMBER:
        known[0].touch()
        return known[0]
    record = ApiToken.find(OPEN311, key)  # a REST API bearer token is no Open311 key
    if record is None:
        _known.pop(key, None)
        return None
    _known[key] = (record, time.monotonic())
    return record


def forget() -> None:
    _known.clear()
