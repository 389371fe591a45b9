"""`finegrid bench cases`: the case engine with a large history in the database.

- create + accept + dispatch throughput in process through the one entrance (`intake.take_in`:
  validation, location, duplicate keys, receipts) and through its writer alone (`bulk.open_many`),
  against Django's `bulk_create` of the same finished rows measured in the same run;
- the notice step (`notices.fan_out`): transition rows turned into inbox notices and their
  deliveries per second;
- a deadline tick when nothing is due; the month's evaluation of every unit; the case-list API
  page (p95).
Every write is rolled back, so the benchmark leaves the database as it found it."""

import random
import statistics
import time
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from finegrid.bench import p95, rolled_back, timed_rolled_back
from finegrid.cases.bulk import Report, open_many
from finegrid.cases.notices import fan_out
from finegrid.intake.intake import Submission
from finegrid.intake.models import Receipt
from finegrid.intake.entrance import take_in
from finegrid.cases.models import Case, Category, Transition
from finegrid.grid.models import MicroGrid

BATCH = 2000



def main(points: int = 0, repeats: int = 5, out=None, size: int = 1_000_000, **_) -> dict:
    say = (lambda message: out.write(f"{message}\n")) if out else (lambda message: None)
    _ensure_history(size, say)
    figures = {"cases_in_database": Case.objects.count()}
    figures.update(_throughput(repeats, say))
    figures.update(_fan_out(repeats, say))
    figures.update(_tick(say))
    figures.update(_evaluation(say))
    figures.update(_api_page(say))
    return figures


def _ensure_history(size: int, say) -> None:
    have = Case.objects.count()
    if have >= size:
        return
    from finegrid.demo.history import generate_history

    say(f"the database has {have:,} cases; generating {size - have:,} more (once)")
    generate_history(size - have, seed=have)


def _reports(n: int, rng: random.Random) -> list[Report]:
    points = list(MicroGrid.objects.values_list("geometry", flat=True)[:5000])
    centres = [MicroGrid._meta.get_field("geometry").to_python(g).representative_point() for g in points]
    codes = list(Category.objects.filter(level=2, rules__verify_required=False).values_list("code", flat=True)[:300])
    return [Report(title="基准测试", channel="hotline", category_code=rng.choice(codes) if codes else "",
                   lon=p.x, lat=p.y) for p in (rng.choice(centres) for _ in range(n))]


def _throughput(repeats: int, say) -> dict:
    rng = random.Random(0)
    entrance, writer, raw = [], [], []
    say(f"timing {repeats} × {BATCH} cases: open + accept + dispatch through take_in and through open_many, "
        "and Django's bulk_create of the same rows")
    with_receipts = []
    for _ in range(max(1, repeats)):
        reports = _reports(BATCH, rng)
        subs = [_submission(r) for r in reports]
        entrance.append(BATCH / timed_rolled_back(lambda: take_in(subs)))
        writer.append(BATCH / timed_rolled_back(lambda: _keep(open_many(reports, accept=True))))
        raw.append(BATCH / timed_rolled_back(lambda: _raw_insert(_last_rows)))
        with_receipts.append(BATCH / timed_rolled_back(lambda: _raw_insert(_last_rows, receipts=True)))
    ours, base, full = statistics.median(entrance), statistics.median(raw), statistics.median(with_receipts)
    # The entrance writes a receipt per case besides the case and its transitions: its fair
    # baseline is bulk_create of those same three kinds of rows; the writer's, of the first two.
    return {"take_in_cps": ours, "open_many_cps": statistics.median(writer), "raw_insert_cps": base,
            "raw_insert_with_receipts_cps": full, "throughput_ratio": ours / full,
            "writer_ratio": statistics.median(writer) / base}


def _submission(report: Report) -> Submission:
    """The report as a channel hands it to the entrance (an operator's hotline row: any category)."""
    return Submission(channel=report.channel, title=report.title, category_code=report.category_code,
                      lon=report.lon, lat=report.lat, public_only=False)


def _fan_out(repeats: int, say) -> dict:
    """Transition rows turned into notices per second: each sample opens, accepts and dispatches a
    batch (not timed), then times the notice step over its rows; all of it is rolled back."""
    rng, rates, told = random.Random(1), [], 0
    say(f"timing the notice step over {repeats} × the rows of {BATCH} dispatched cases")
    for _ in range(max(1, repeats)):
        reports = _reports(BATCH, rng)
        with rolled_back():
            open_many(reports, accept=True)
            rows = Transition.objects.filter(notified=False).count()
            started = time.perf_counter()
            while (counts := fan_out())["transitions"]:
                told += counts["notices"]
            rates.append(rows / max(time.perf_counter() - started, 1e-9))
    return {"fan_out_transitions_per_s": statistics.median(rates), "fan_out_notices": told // max(1, repeats)}


_last_rows: list = []


def _keep(cases) -> None:
    """Remember the cases just written, to insert the same rows raw in the baseline."""
    _last_rows[:] = cases


def _raw_insert(cases, receipts: bool = False) -> None:
    """The baseline: the finished rows of the same cases and transitions (and their receipts),
    inserted in batches by Django's bulk_create."""
    copies = []
    for index, case in enumerate(cases):
        copy = Case(**{f.attname: getattr(case, f.attname) for f in Case._meta.concrete_fields if f.attname != "id"})
        copy.ticket = f"raw{index:09d}"
        copies.append(copy)
    Case.objects.bulk_create(copies, batch_size=1000)
    Transition.objects.bulk_create([
        Transition(case=copy, seq=seq, action="report", from_state="", to_state=copy.state, actor_label="raw", at=copy.reported_at)
        for copy in copies for seq in range(1, copy.version + 1)
    ], batch_size=2000)
    if receipts:
        Receipt.objects.bulk_create([Receipt(case=copy, channel=copy.channel, token=f"raw{index:012d}")
                                     for index, copy in enumerate(copies)], batch_size=2000)




def _tick(say) -> dict:
    try:
        from finegrid.cases.supervision import tick
    except ImportError:
        return {"tick_nothing_due_ms": "supervision not installed"}
    say("timing the deadline tick when nothing is due")
    now = timezone.now()
    samples = []
    with rolled_back():
        tick(now=now, limit=100_000)  # work off what is due, so the timed ticks find nothing
        for _ in range(20):
            started = time.perf_counter()
            tick(now=now)
            samples.append((time.perf_counter() - started) * 1000)
    return {"tick_nothing_due_ms": statistics.median(samples)}


def _evaluation(say) -> dict:
    try:
        from finegrid.cases.evaluation import evaluate
    except ImportError:
        return {"month_evaluation_s": "evaluation not installed"}
    say("timing the month's evaluation of every unit")
    end = timezone.localtime().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    start = (end - timedelta(days=1)).replace(day=1)
    samples = []
    for _ in range(3):
        started = time.perf_counter()
        evaluate(start, end, by="unit")
        samples.append(time.perf_counter() - started)
    return {"month_evaluation_s": statistics.median(samples)}


# Who opens the case list, and with which filters: the district-wide view of a leader, a street's
# handler, a unit's handler, a grid worker, and the two commonest filtered lists.
API_VIEWS = [
    ("district", "admin", {}),
    ("street", "street_", {}),
    ("unit", "handler_", {}),
    ("grid_worker", "gw", {}),
    ("open_by_due", "admin", {"state": "dispatched", "ordering": "due_at"}),
    ("overdue", "admin", {"overdue": "true"}),
]


def _api_page(say, requests_per_view: int = 40) -> dict:
    """p95 of each view's list page, and of /health between them: the same client's floor on this
    machine at this moment, so the ratio says what the list costs beyond the framework."""
    say(f"timing the case-list API page ({requests_per_view} requests for each of {len(API_VIEWS)} views)")
    figures, every, floor = {}, [], []
    for name, username, filters in API_VIEWS:
        user = get_user_model().objects.filter(username__startswith=username).order_by("username").first()
        if user is None:
            figures[f"api_page_p95_ms_{name}"] = f"no user {username}*"
            continue
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        samples = []
        for page in range(requests_per_view + 5):
            floor.append(_timed_get(client, "/health", {})[1])
            status, ms = _timed_get(client, "/api/v1/cases", {**filters, "page": page % 20 + 1, "page_size": 50})
            if status != 200:
                figures[f"api_page_p95_ms_{name}"] = f"API answered {status}"
                break
            samples.append(ms)
        else:
            samples = samples[5:]  # the first requests warm the caches
            figures[f"api_page_p95_ms_{name}"] = round(p95(samples), 1)
            every += samples
    if every:
        figures["api_page_p95_ms"] = round(p95(every), 1)
        figures["health_p95_ms"] = round(p95(floor), 1)
        figures["api_page_to_health_p95_ratio"] = round(p95(every) / p95(floor), 1)
    return figures


def _timed_get(client, path: str, params: dict) -> tuple[int, float]:
    started = time.perf_counter()
    response = client.get(path, params)
    return response.status_code, (time.perf_counter() - started) * 1000
