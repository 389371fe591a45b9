"""finegrid's benchmarks, one module per kind, and the registry of `finegrid bench NAME`: each
entry runs one benchmark and returns its figures. They sit above every app and import the engine;
no app imports them (bench/tests/test_command.py checks it).

Benchmarks report medians and a baseline measured in the same run (these machines are shared
and noisy, so a lone absolute time means little)."""

import statistics
import time
from contextlib import contextmanager
from importlib import import_module

from django.db import transaction

BENCHMARKS = {
    "locate": ("finegrid.bench.locate", "Exact point → micro-grid location vs an STRtree baseline"),
    "cases": ("finegrid.bench.cases", "Case throughput vs raw INSERT, deadline tick, evaluation, API page"),
    "sensing": ("finegrid.bench.sensing", "Sensor readings through Mosquitto: sustained rate, p99 alarm and case latency"),
    "insight": ("finegrid.bench.insight", "Appeal labels: topic CV on real messages, urgency recall, analyze speed"),
    "intake": ("finegrid.bench.intake", "Hotline import rows/s vs reading the CSV; Open311 POST load vs /health"),
    "console": ("finegrid.bench.console", "Server-side time and queries of the console's main pages vs the health check"),
    "petitions": ("finegrid.bench.petitions", "Linking a petition against 1,000,000 earlier rows; the petition desk at 200,000"),
    "tasks": ("finegrid.bench.tasks", "Decompose 20,000 characters; the daily 督办 pass and roll-up over 10,000 key tasks; the desk"),
}


def run(name: str, **options) -> dict:
    module, _ = BENCHMARKS[name]
    return import_module(module).main(**options)


class Rollback(Exception):
    """Raised to undo a measurement's writes."""


@contextmanager
def rolled_back():
    """Everything written inside is undone at the end: a benchmark leaves the database as it found it."""
    try:
        with transaction.atomic():
            yield
            raise Rollback
    except Rollback:
        pass


def timed_rolled_back(work) -> float:
    """Seconds that `work()` takes, its writes undone afterwards (the rollback is not timed)."""
    with rolled_back():
        started = time.perf_counter()
        work()
        elapsed = time.perf_counter() - started
    return max(elapsed, 1e-9)


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] if len(samples) > 1 else samples[0]


def timed_page(client, url: str, repeats: int) -> tuple[float, int]:
    """Median milliseconds of `repeats` GETs of `url` by a signed-in test client, after one warm-up
    (templates compiled, caches loaded), and the queries one GET makes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    samples, queries = [], 0
    for _ in range(repeats):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url)
            samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(captured)
    return statistics.median(samples), queries
