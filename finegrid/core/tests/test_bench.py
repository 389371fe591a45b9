import io

import pytest
from django.core.management import CommandError, call_command


def test_bench_locate_runs_on_the_database_grids_and_agrees_with_the_baseline(tiny):
    out = io.StringIO()
    call_command("bench", "locate", "--points", "5000", "--repeats", "1", "--json", stdout=out, stderr=io.StringIO())
    figures = __import__("json").loads(out.getvalue())
    assert figures["source"] == "database" and figures["polygons"] == 16
    assert figures["agree"] and figures["mismatches"] == 0
    assert figures["locate_many_pps"] > 0 and figures["strtree_pps"] > 0


def test_bench_without_a_known_name_lists_the_benchmarks(db):
    with pytest.raises(CommandError, match="locate"):
        call_command("bench", "nope")

