"""`finegrid bench tasks`: 大督查 at a district's scale.

- decomposing a 20,000-character report (the demo report, repeated: text the project wrote)
  against splitting the same text into sentences with one regular expression;
- with 10,000 key tasks and 100,000 progress reports in the database: the daily 督办 pass over
  every task (`supervision.tick` on the key tasks, all due at once) and the roll-up by weight,
  against one UPDATE touching every task's next_check_at (the least a pass must write);
- the 督查 desk's server-side time against the health check;
- the 督查通报 of a past month (every task's standing replayed from its history) against the
  running month's (today's standing, read from the rows).
Medians of `repeats` runs; every write is rolled back."""

import re
import statistics
import time
from datetime import datetime, timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.utils import timezone

from finegrid.bench import rolled_back, timed_rolled_back
from finegrid.cases import supervision
from finegrid.org.models import Role, RoleAssignment, Unit
from finegrid.tasks import rules as R
from finegrid.tasks.decompose import decompose
from finegrid.tasks.engine import roll_up
from finegrid.tasks.models import KeyTask, KeyTaskTransition, ProgressReport, SourceDocument

REPORT = Path(__file__).resolve().parent.parent / "demo" / "data" / "work_report.txt"
TASKS_N, REPORTS_N, SECTIONS = 10_000, 100_000, 50
SENTENCE = re.compile(r"[。；！？\n]")


def main(repeats: int = 5, out=None, **_) -> dict:
    say = (lambda message: out.write(f"{message}\n")) if out else (lambda message: None)
    figures = {}
    figures.update(_decompose(repeats, say))
    say(f"  decompose: {figures['decompose_s']:.3f} s against a sentence split of {figures['sentence_split_s']:.4f} s")
    with rolled_back():
        say(f"building {TASKS_N:,} key tasks and {REPORTS_N:,} progress reports (rolled back at the end) …")
        started = time.perf_counter()
        now = _build()
        figures["build_s"] = time.perf_counter() - started
        figures.update(_daily_pass(repeats, now, say))
        say(f"  pass and roll-up: {figures['pass_and_roll_up_s']:.2f} s, first pass {figures['first_pass_s']:.2f} s")
        figures.update(_desk(repeats, say))
        figures.update(_bulletin(repeats, now, say))
    return figures


def _bulletin(repeats: int, now: datetime, say) -> dict:
    from finegrid.tasks.report import month_figures

    later = now + timedelta(days=40)  # the month of `now` is past by then
    month = R.month_of(now)
    say(f"the 督查通报 of {month} replayed from {KeyTaskTransition.objects.count():,} steps, against today's …")
    past, today = [], []
    for _ in range(max(1, repeats)):
        started = time.perf_counter()
        month_figures(month, now=later)
        past.append(time.perf_counter() - started)
        started = time.perf_counter()
        month_figures(R.month_of(later), now=later)
        today.append(time.perf_counter() - started)
    return {"bulletin_past_month_s": statistics.median(past), "bulletin_this_month_s": statistics.median(today)}


def _text(size: int = 20_000) -> str:
    text = REPORT.read_text(encoding="utf-8")
    return (text * (size // len(text) + 1))[:size]


def _decompose(repeats: int, say) -> dict:
    text, units = _text(), list(Unit.objects.filter(active=True))
    say(f"decomposing {len(text):,} characters against {len(units)} units' duties …")
    ours, base, nodes = [], [], 0
    for _ in range(max(1, repeats)):
        started = time.perf_counter()
        outline = decompose(text, units=units, year=2026)
        ours.append(time.perf_counter() - started)
        started = time.perf_counter()
        [s for s in SENTENCE.split(text) if s.strip()]
        base.append(time.perf_counter() - started)
        nodes = sum(1 for _ in outline.walk())
    return {"report_chars": len(text), "decompose_nodes": nodes, "decompose_s": statistics.median(ours),
            "sentence_split_s": statistics.median(base)}


def _build() -> datetime:
    """10,000 running tasks under 50 sections, led by the district's units, each with ten monthly
    reports (100,000), written with bulk_create; every task due for its morning look."""
    now = timezone.now()
    start = now - timedelta(days=300)
    units = list(Unit.objects.filter(active=True).values_list("pk", flat=True)) or [None]
    document = SourceDocument.objects.create(title="基准测试报告", text="基准" * 10, imported_at=now)
    sections = KeyTask.objects.bulk_create([
        KeyTask(document=document, order=n * 1000, number=str(n + 1), title=f"第{n + 1}部分", level=1, branch=True,
                state=KeyTask.State.CONFIRMED, version=2, planned_start=start, planned_end=now + timedelta(days=60),
                next_check_at=now - timedelta(hours=1), unit_id=units[n % len(units)]) for n in range(SECTIONS)])
    leaves = []
    # A task's version is the length of its history: its reports' rows are seq 3 … 2 + per task.
    version = 2 + REPORTS_N // (TASKS_N - SECTIONS) + 1
    for n in range(TASKS_N - SECTIONS):
        parent = sections[n % SECTIONS]
        end = now + timedelta(days=30 + n % 200)
        curve = [[(start + (end - start) * q / 4).isoformat(), 25 * q] for q in (1, 2, 3)]
        progress = min(100, int(100 * (300 / (300 + 30 + n % 200)) * (0.75 + (n % 20) / 40)))  # a quarter behind
        leaves.append(KeyTask(document=document, parent=parent, root=parent, order=parent.order + n // SECTIONS + 1,
                              number=f"{parent.number}.{n // SECTIONS + 1}", title=f"基准任务{n}", level=2,
                              state=KeyTask.State.IN_PROGRESS, version=version, planned_start=start, planned_end=end,
                              curve=curve, progress=progress, rolled=progress, unit_id=units[n % len(units)],
                              last_report_at=now - timedelta(days=n % 40), report_count=10,
                              next_check_at=now - timedelta(hours=1)))
    leaves = KeyTask.objects.bulk_create(leaves, batch_size=2000)
    _reports(leaves, start)
    return now


def _reports(leaves, start) -> None:
    per_task = REPORTS_N // len(leaves) + 1
    done = 0
    for chunk in range(0, len(leaves), 1000):
        rows, reports = [], []
        for task in leaves[chunk:chunk + 1000]:
            for k in range(per_task):
                if done + len(rows) >= REPORTS_N:
                    break
                rows.append(KeyTaskTransition(task=task, seq=k + 3, action="report_progress",
                                              from_state="in_progress", to_state="in_progress", actor_label="bench",
                                              role=Role.HANDLER, at=start + timedelta(days=30 * k), notified=True,
                                              data={"percent": task.progress * (k + 1) // per_task}))
        rows = KeyTaskTransition.objects.bulk_create(rows, batch_size=2000)
        reports = [ProgressReport(task_id=row.task_id, transition=row, period=f"{row.at:%Y-%m}", at=row.at,
                                  percent=row.data["percent"], done="按计划推进") for row in rows]
        ProgressReport.objects.bulk_create(reports, batch_size=2000)
        done += len(rows)


def _daily_pass(repeats: int, now: datetime, say) -> dict:
    """The first pass flags every laggard at once (warn, escalate, 督办单 through the machine);
    each later morning most tasks are quiet. Both are timed, with the roll-up."""
    morning = R.next_morning(now)
    say(f"the daily 督办 pass over {TASKS_N:,} tasks and the roll-up, {repeats} times …")
    first, steady, rolls, base, counts = [], [], [], [], {}

    def one_pass(at):
        nonlocal counts
        counts = supervision.tick(at, limit=2 * TASKS_N, models=(KeyTask,))

    for _ in range(max(1, repeats)):
        rolls.append(timed_rolled_back(roll_up))
        base.append(timed_rolled_back(lambda: KeyTask.objects.filter(next_check_at__lte=morning)
                                      .update(next_check_at=morning + timedelta(days=1))))
    # The first pass once, kept (until the benchmark's rollback): a big rolled-back write slows
    # SQLite's later reads inside the same transaction, so it is not repeated.
    started = time.perf_counter()
    one_pass(morning)
    first.append(time.perf_counter() - started)
    flagged = {"first_pass_claimed": counts.get("claimed", 0),
               "first_pass_flagged": counts.get("yellow", 0) + counts.get("red", 0),
               "first_pass_escalated": counts.get("escalated", 0)}
    for _ in range(max(1, repeats)):
        steady.append(timed_rolled_back(lambda: one_pass(morning + timedelta(days=1))))
    return {"tasks": KeyTask.objects.count(), "progress_reports": ProgressReport.objects.count(),
            "first_pass_s": statistics.median(first), "daily_pass_s": statistics.median(steady),
            "roll_up_s": statistics.median(rolls),
            "pass_and_roll_up_s": statistics.median(steady) + statistics.median(rolls),
            "one_update_baseline_s": statistics.median(base), "daily_pass_claimed": counts.get("claimed", 0),
            "daily_pass_steps": sum(counts.get(k, 0) for k in ("yellow", "red", "escalated", "acted")),
            "daily_pass_problems": counts.get("conflicts", 0) + counts.get("errors", 0), **flagged}


def _desk(repeats: int, say) -> dict:
    user, _ = get_user_model().objects.get_or_create(username="bench_supervision")
    RoleAssignment.objects.get_or_create(user=user, role=Role.SUPERVISION_OFFICE)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    say("the 督查 desk's first page (200 of 10,000 tasks) against /health …")
    desk, health = [], []
    for _ in range(max(3, repeats)):
        started = time.perf_counter()
        answer = client.get("/tasks/")
        desk.append(time.perf_counter() - started)
        assert answer.status_code == 200, answer.status_code
        started = time.perf_counter()
        client.get("/health")
        health.append(time.perf_counter() - started)
    return {"desk_ms": 1000 * statistics.median(desk), "health_ms": 1000 * statistics.median(health),
            "database": connection.vendor}
