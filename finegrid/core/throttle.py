"""Rate limits that hold across every worker process: counted in the shared cache (the database
by default, Redis when FINEGRID_REDIS_URL is set), not in one process's memory, and keyed by the
client's real address, read from X-Forwarded-For only when the request came through one of
FINEGRID_TRUSTED_PROXIES (else anyone could claim any address, or all residents behind the
proxy would share one).

A limit of N per window is N slots, each taken by `cache.add` — an INSERT on a unique key in the
database, SET NX in Redis — so two workers never take the same slot and exactly N requests get
through, where a read-then-write counter lets a concurrent burst past it."""

import hashlib
import ipaddress
import time
from dataclasses import dataclass
from functools import cache as memoised

from django.conf import settings
from django.core.cache import caches

CACHE = "shared"


@dataclass(frozen=True)
class Limit:
    name: str
    count: int  # requests allowed …
    seconds: int  # … per window of this many seconds


def allow(limit: Limit, key: str, now: float | None = None) -> bool:
    """Take one of the window's slots for `key`; False once they are all taken."""
    if not key:
        return True
    now = time.time() if now is None else now
    window = int(now // limit.seconds)
    base = f"rl:{limit.name}:{hashlib.sha256(key.encode()).hexdigest()[:32]}:{window}"
    store, timeout = caches[CACHE], limit.seconds + 60
    start = store.get(base, 0)  # a hint of the slots taken: saves trying them one by one
    for slot in range(start, limit.count):
        if store.add(f"{base}:{slot}", 1, timeout):
            store.set(base, slot + 1, timeout)
            return True
    return False


def allow_all(pairs) -> bool:
    """Every (limit, key) must have a slot; all are tried, so each one counts the attempt."""
    return all([allow(limit, key) for limit, key in pairs])


def client_address(request) -> str:
    """The address the request came from: REMOTE_ADDR, or when that is a trusted proxy, the last
    address in X-Forwarded-For that is not one (a client can prepend anything it likes)."""
    remote = request.META.get("REMOTE_ADDR", "")
    if not _trusted(remote):
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _trusted(hop):
            return hop if _address(hop) else remote
    return remote


def _address(text: str):
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _trusted(text: str) -> bool:
    address = _address(text)
    return address is not None and any(address in network for network in trusted_networks())


@memoised
def _networks(spec: tuple) -> tuple:
    return tuple(ipaddress.ip_network(item, strict=False) for item in spec)


def trusted_networks() -> tuple:
    return _networks(tuple(settings.FINEGRID_TRUSTED_PROXIES))
