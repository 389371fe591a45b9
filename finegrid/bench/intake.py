"""`finegrid bench intake`: the intake channels under load, each beside a baseline from the same run.

- hotline import: rows/s of `import-hotline` on a generated CSV (half the rows with a point, half
  with only a place name in the text; two thirds with a category name from the catalogue, a third
  left for the classifier), including validation,
  location, classification, 立案 with its deadline and 派遣 — against reading the same CSV alone.
  Every write is rolled back.
- Open311 POST: a real server (`finegrid serve`, two worker processes) on a copy of the SQLite
  database, loaded over loopback by `wrk` in a separate process with distinct reports; the same
  server's trivial `/health` view is loaded the same way in the same run as the baseline."""

import csv
import os
import random
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from django.conf import settings
from django.db import connection

from finegrid.bench import timed_rolled_back
from finegrid.cases.models import Category
from finegrid.grid.models import MicroGrid, Place

from finegrid.intake.hotline import import_file
from finegrid.intake.keys import key_hash
from finegrid.intake.sheets import rows_of

HEADER = ["工单编号", "来电时间", "来电人", "电话", "诉求内容", "地址", "分类", "经度", "纬度"]



def main(repeats: int = 3, out=None, rows: int = 20_000, seconds: int = 10, **_) -> dict:
    say = (lambda message: out.write(f"{message}\n")) if out else (lambda message: None)
    figures = {}
    figures.update(hotline(rows, repeats, say))
    figures.update(open311_load(seconds, say))
    return figures


# ── hotline import ────────────────────────────────────────────────────────────────────────────


def hotline(rows: int, repeats: int, say) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "hotline.csv"
        _write_csv(path, rows, random.Random(0))
        _label_model(say)
        say(f"timing {repeats} × import of {rows:,} hotline rows (rolled back), and reading the same CSV")
        ours, reading = [], []
        for _ in range(max(1, repeats)):
            ours.append(rows / timed_rolled_back(lambda: import_file(path)))
            started = time.perf_counter()
            sum(1 for _ in rows_of(path))
            reading.append(rows / (time.perf_counter() - started))
    return {"hotline_rows_per_s": statistics.median(ours), "csv_read_rows_per_s": statistics.median(reading),
            "hotline_share_of_reading": statistics.median(ours) / statistics.median(reading)}


def _label_model(say) -> None:
    """The classifier's model loaded before the clock starts (built once if the install has none,
    as `finegrid train --seed --if-missing` does)."""
    from finegrid.insight import store

    if store.registry()["active"] is None:
        say("building the day-one label model (once, ~40 s)")
    store.active_model()


def _write_csv(path: Path, rows: int, rng: random.Random) -> None:
    geometries = MicroGrid.objects.values_list("geometry", flat=True)[:5000]
    points = [MicroGrid._meta.get_field("geometry").to_python(g).representative_point() for g in geometries]
    places = list(Place.objects.values_list("name", flat=True)[:2000]) or ["东关街"]
    names = list(Category.objects.filter(level=2, domain="hotline").values_list("name", flat=True)) or [""]
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(HEADER)
        for i in range(rows):
            place = rng.choice(places)
            point = rng.choice(points) if points and i % 2 == 0 else None
            writer.writerow([f"BENCH{i:08d}", f"2026-11-{1 + i % 25:02d} {8 + i % 10:02d}:{i % 60:02d}", "市民",
                             f"138{i % 100_000_000:08d}", f"{place}附近反映问题第{i}号，希望尽快处理", place,
                             "" if i % 3 == 2 else rng.choice(names),  # a third for the classifier to label
                             f"{point.x:.6f}" if point else "", f"{point.y:.6f}" if point else ""])




# ── Open311 POST against a real server ────────────────────────────────────────────────────────

WRK_SCRIPT = """
counter = 0
run_id = tostring(os.time())
request = function()
  counter = counter + 1
  local body = "api_key=%(key)s&service_code=%(code)s&lat=%(lat)s&long=%(lon)s&description=bench+" .. run_id .. "+" .. counter
  -- Each report from an address of its own, through the trusted proxy 127.0.0.1: the rate limits
  -- (core/throttle.py) run and are measured, and refuse no one.
  local client = "10." .. (math.floor(counter / 65536) %% 256) .. "." .. (math.floor(counter / 256) %% 256) .. "." .. (counter %% 256)
  return wrk.format("POST", "/open311/v2/requests.json",
                    {["Content-Type"] = "application/x-www-form-urlencoded", ["X-Forwarded-For"] = client}, body)
end
"""


def open311_load(seconds: int, say) -> dict:
    if connection.vendor != "sqlite":
        return {"open311_post": "the load test runs on SQLite (FINEGRID_DATABASE_URL is set)"}
    if shutil.which("wrk") is None:
        return {"open311_post": "wrk is not installed (apt-get install wrk)"}
    code = _realtime_service()
    point = MicroGrid.objects.values_list("geometry", flat=True).first()
    if code is None or point is None:
        return {"open311_post": "no district or catalogue: run finegrid seed-demo first"}
    centre = MicroGrid._meta.get_field("geometry").to_python(point).representative_point()
    with tempfile.TemporaryDirectory() as folder:
        key = _copy_database(Path(folder))
        port = _free_port()
        server = _serve(Path(folder), port)
        try:
            _wait_up(f"http://127.0.0.1:{port}/health")
            script = Path(folder) / "post.lua"
            script.write_text(WRK_SCRIPT % {"key": key, "code": code, "lat": centre.y, "lon": centre.x})
            say("warming up: each worker builds its grid index on its first location")
            _wrk(port, "/open311/v2/requests.json", 3, script)
            _wrk(port, "/health", 2, None)
            say(f"loading Open311 POST and /health for {seconds} s each (wrk, 16 connections, 2 workers)")
            baseline = _wrk(port, "/health", seconds, None)
            warm = _count_queued(Path(folder))
            posts = _wrk(port, "/open311/v2/requests.json", seconds, script)
            queued = _count_queued(Path(folder)) - warm
        finally:
            server.terminate()
            server.wait(timeout=30)
        drained = _drain(Path(folder), say)
    return {"open311_post_rps": posts["rps"], "open311_post_p99_ms": posts["p99_ms"],
            "open311_post_non_2xx": posts["errors"], "open311_reports_queued": queued, **drained,
            "health_rps": baseline["rps"], "health_p99_ms": baseline["p99_ms"],
            "open311_share_of_health": posts["rps"] / baseline["rps"] if baseline["rps"] else 0.0}


def _realtime_service() -> str | None:
    from finegrid.intake.open311.queries import public_categories

    return (public_categories().filter(rules__verify_required=False).values_list("code", flat=True).first())


def _copy_database(folder: Path) -> str:
    """The server gets its own copy, so the load leaves the real database as it was."""
    from django.db import connections

    connections.close_all()
    source = Path(settings.DATABASES["default"]["NAME"])
    with sqlite3.connect(source) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    target = folder / "finegrid.sqlite3"
    with sqlite3.connect(source) as db, sqlite3.connect(target) as copy:
        db.backup(copy)
    key = "o311_bench_" + os.urandom(16).hex()
    with sqlite3.connect(target) as copy:
        copy.execute("INSERT INTO core_apitoken (purpose, name, key_hash, prefix, created_at) "
                     "VALUES ('open311', ?, ?, ?, datetime('now'))", ("bench", key_hash(key), key[:8]))
    return key


def _serve(folder: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "FINEGRID_DATA_DIR": str(folder), "FINEGRID_DEMO": "1", "FINEGRID_LOG_LEVEL": "WARNING",
           "FINEGRID_TRUSTED_PROXIES": "127.0.0.1"}  # wrk stands for a proxy in front of many clients
    env.pop("FINEGRID_DATABASE_URL", None)
    return subprocess.Popen([sys.executable, "-m", "finegrid.cli", "serve", "--port", str(port), "--workers", "2"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_up(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def _wrk(port: int, path: str, seconds: int, script) -> dict:
    command = ["wrk", "-t1", "-c16", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    if script:
        command += ["-s", str(script)]
    output = subprocess.run(command + [f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True,
                            timeout=seconds + 60).stdout
    return _parse_wrk(output)


def _parse_wrk(output: str) -> dict:
    figures = {"rps": 0.0, "p99_ms": None, "errors": 0}
    for line in output.splitlines():
        words = line.split()
        if line.startswith("Requests/sec:"):
            figures["rps"] = float(words[1])
        elif words[:1] == ["99%"]:
            figures["p99_ms"] = _ms(words[1])
        elif line.strip().startswith("Non-2xx"):
            figures["errors"] = int(words[-1])
    return figures


def _ms(value: str) -> float:
    for unit, factor in (("us", 0.001), ("ms", 1.0), ("s", 1000.0)):
        if value.endswith(unit):
            return float(value[: -len(unit)]) * factor
    return float(value)


def _count_queued(folder: Path) -> int:
    with sqlite3.connect(folder / "finegrid.sqlite3") as db:
        return db.execute("SELECT COUNT(*) FROM intake_queued").fetchone()[0]


def _count_cases(folder: Path) -> int:
    with sqlite3.connect(folder / "finegrid.sqlite3") as db:
        return db.execute("SELECT COUNT(*) FROM cases_case WHERE channel = 'open311'").fetchone()[0]


def _drain(folder: Path, say) -> dict:
    """What the worker then does with the queue: one `finegrid worker --once --only inbox` on the
    server's copy. Only the inbox step: the others (insight's labelling, which on this copy would
    first build the day-one model) are not the queue's work and would swamp its time."""
    say("draining the queue: finegrid worker --once --only inbox")
    env = {**os.environ, "FINEGRID_DATA_DIR": str(folder), "FINEGRID_DEMO": "1", "FINEGRID_LOG_LEVEL": "WARNING",
           "FINEGRID_TRUSTED_PROXIES": "127.0.0.1"}  # wrk stands for a proxy in front of many clients
    env.pop("FINEGRID_DATABASE_URL", None)
    before = _count_cases(folder)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "finegrid.cli", "worker", "--once", "--only", "inbox"], env=env, check=True,
                   stdout=subprocess.DEVNULL, timeout=3600)
    elapsed = time.perf_counter() - started
    opened = _count_cases(folder) - before
    with sqlite3.connect(folder / "finegrid.sqlite3") as db:
        waiting = db.execute("SELECT COUNT(*) FROM intake_queued WHERE done_at IS NULL").fetchone()[0]
    return {"open311_cases_opened_by_worker": opened, "open311_still_queued": waiting,
            "worker_once_s": elapsed, "worker_cases_per_s": opened / elapsed}
