import io
import json

from django.core.management import call_command

from finegrid.bench.locate import run
from finegrid.grid.synthetic import synthetic_tiling


def test_bench_locate_runs_on_the_database_grids_and_agrees_with_the_baseline(tiny):
    out = io.StringIO()
    call_command("bench", "locate", "--points", "5000", "--repeats", "1", "--json", stdout=out, stderr=io.StringIO())
    figures = json.loads(out.getvalue())
    assert figures["source"] == "database" and figures["polygons"] == 16
    assert figures["agree"] and figures["mismatches"] == 0
    assert figures["locate_many_pps"] > 0 and figures["strtree_pps"] > 0


def test_benchmark_reports_agreement_and_speeds_on_a_small_tiling():
    figures = run(synthetic_tiling(300, seed=19), n_points=20_000, repeats=1)
    assert figures["agree"] and figures["mismatches"] == 0
    assert figures["points"] == 20_000 and figures["polygons"] == 300
    assert figures["locate_many_pps"] > 0 and figures["strtree_pps"] > 0 and figures["build_s"] > 0
    assert figures["ratio"] == figures["locate_many_pps"] / figures["strtree_pps"]
