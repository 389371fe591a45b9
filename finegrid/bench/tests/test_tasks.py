"""`finegrid bench tasks` on a small scale: every figure is measured, the pass claims every task,
and the benchmark leaves the database as it found it."""

from finegrid.bench import tasks as bench
from finegrid.tasks.models import KeyTask, ProgressReport


def test_the_tasks_benchmark_measures_everything_and_leaves_nothing(world, monkeypatch):
    monkeypatch.setattr(bench, "TASKS_N", 120)
    monkeypatch.setattr(bench, "REPORTS_N", 600)
    monkeypatch.setattr(bench, "SECTIONS", 6)
    figures = bench.main(repeats=1)
    assert figures["tasks"] == 120 and figures["progress_reports"] == 600
    assert figures["first_pass_claimed"] == figures["daily_pass_claimed"] == 120
    assert figures["first_pass_flagged"] > 0 and figures["decompose_nodes"] > 100
    assert figures["desk_ms"] > 0 and figures["report_chars"] == 20_000
    assert figures["bulletin_past_month_s"] > 0 and figures["bulletin_this_month_s"] > 0
    assert figures["daily_pass_problems"] == 0
    assert KeyTask.objects.count() == ProgressReport.objects.count() == 0
