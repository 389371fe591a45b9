"""Rate limits across worker processes (issue 14, item 4): counted in the shared cache — the
database by default, Redis when FINEGRID_REDIS_URL is set — so N workers let exactly the limit
through, where a per-process counter let 19 of 40 guesses past a limit of 10."""

import json
import os
import subprocess
import sys
import uuid

import pytest
from django.db import connection
from django.test import RequestFactory, override_settings

from finegrid.core import throttle
from finegrid.core.throttle import Limit, allow, client_address

REDIS_URL = os.environ.get("FINEGRID_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
LIMIT = Limit("test", 10, 600)


def _redis_caches(prefix: str) -> dict:
    return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
            "shared": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                       "KEY_PREFIX": prefix}}


@pytest.fixture
def redis_cache():
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=1).ping()
    except redis.ConnectionError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    prefix = f"fgtest-{uuid.uuid4().hex}"
    with override_settings(CACHES=_redis_caches(prefix)):
        yield
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


@pytest.mark.django_db
def test_the_database_cache_lets_exactly_the_limit_through():
    assert [allow(LIMIT, "10.0.0.1", now=1000.0) for _ in range(12)] == [True] * 10 + [False] * 2
    assert allow(LIMIT, "10.0.0.2", now=1000.0)  # another key has its own slots
    assert allow(LIMIT, "10.0.0.1", now=1000.0 + LIMIT.seconds)  # the next window


def test_redis_lets_exactly_the_limit_through(redis_cache):
    assert [allow(LIMIT, "10.0.0.1", now=1000.0) for _ in range(12)] == [True] * 10 + [False] * 2
    assert allow(LIMIT, "10.0.0.1", now=1000.0 + LIMIT.seconds)


# Each worker is a fresh interpreter, as a server's workers are: a process forked from the test run
# inherits its threads' locks (the MQTT tests', the logging's) and once hung in CI on one of them.
WORKER = """
import json, os, sys
import django
django.setup()
from django.test import override_settings
from finegrid.core.throttle import Limit, allow
key, tries = sys.argv[1], int(sys.argv[2])
caches = json.loads(os.environ.get("THROTTLE_TEST_CACHES") or "null")
with override_settings(**({"CACHES": caches} if caches else {})):
    print(sum(allow(Limit("test", 10, 600), key, now=5000.0) for _ in range(tries)))
"""


def _burst(key: str, caches: dict | None = None) -> int:
    """40 guesses from 4 worker processes at once; how many the limit let through."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "finegrid.settings", "FINEGRID_DEMO": "1",
           "THROTTLE_TEST_CACHES": json.dumps(caches) if caches else ""}
    db = connection.settings_dict
    if db["ENGINE"].endswith("postgresql"):  # the test database, not the one the run was given
        env["FINEGRID_DATABASE_URL"] = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    workers = [subprocess.Popen([sys.executable, "-c", WORKER, key, "10"], env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True) for _ in range(4)]
    counts = []
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
        counts.append(int(out.split()[-1]))
    return sum(counts)


def test_four_processes_sharing_redis_let_ten_of_forty_through(redis_cache):
    from django.conf import settings

    assert _burst("10.9.9.9", settings.CACHES) == 10


@pytest.mark.django_db(transaction=True)
def test_four_processes_sharing_the_database_let_ten_of_forty_through():
    if connection.vendor != "postgresql":
        pytest.skip("the test database of SQLite lives in this process's memory")
    assert _burst("10.9.9.8") == 10


# ── The client's address ─────────────────────────────────────────────────────────────────────


def _request(remote, forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_x_forwarded_for_is_ignored_unless_the_request_came_through_a_trusted_proxy(settings):
    settings.FINEGRID_TRUSTED_PROXIES = []
    assert client_address(_request("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


def test_behind_a_trusted_proxy_the_client_is_the_last_untrusted_hop(settings):
    settings.FINEGRID_TRUSTED_PROXIES = ["10.0.0.0/8", "127.0.0.1"]
    # The client may prepend anything: the proxy appends the address it saw.
    assert client_address(_request("10.1.2.3", "6.6.6.6, 198.51.100.1")) == "198.51.100.1"
    assert client_address(_request("127.0.0.1", "198.51.100.1, 10.0.0.5")) == "198.51.100.1"
    assert client_address(_request("10.1.2.3", "not-an-address")) == "10.1.2.3"
    assert client_address(_request("10.1.2.3")) == "10.1.2.3"
    assert throttle.trusted_networks()[0].prefixlen == 8


def test_a_bad_trusted_proxy_is_refused_at_start():
    import subprocess
    import sys

    env = {**os.environ, "FINEGRID_DEMO": "1", "FINEGRID_TRUSTED_PROXIES": "10.0.0.0/8,proxy.example"}
    run = subprocess.run([sys.executable, "-c", "import finegrid.settings"], env=env, capture_output=True, text=True)
    assert run.returncode != 0 and "proxy.example" in run.stderr
