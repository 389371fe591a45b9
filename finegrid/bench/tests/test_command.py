import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

IMPORTS_BENCH = re.compile(r"^\s*(from finegrid\.bench\b|import finegrid\.bench\b|from finegrid import bench\b)", re.M)


def test_bench_without_a_known_name_lists_the_benchmarks(db):
    with pytest.raises(CommandError, match="locate"):
        call_command("bench", "nope")


def test_no_app_imports_the_benchmarks():
    """Benchmarks sit above the apps (STYLE.md): an app, or its tests, importing them points a dependency up."""
    root = Path(__file__).resolve().parents[2]
    in_apps = [path for path in root.glob("*/**/*.py") if path.relative_to(root).parts[0] != "bench"]
    upward = [str(path.relative_to(root)) for path in in_apps if IMPORTS_BENCH.search(path.read_text())]
    assert not upward, upward
