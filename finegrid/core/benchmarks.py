"""The registry of `finegrid bench NAME`: each entry runs one benchmark and returns its figures.

Benchmarks report medians and a baseline measured in the same run (these machines are shared
and noisy, so a lone absolute time means little)."""

from importlib import import_module

BENCHMARKS = {
    "locate": ("finegrid.grid.bench", "Exact point → micro-grid location vs an STRtree baseline"),
    "cases": ("finegrid.cases.bench", "Case throughput vs raw INSERT, deadline tick, evaluation, API page"),
    "console": ("finegrid.console.bench", "Server-side time and queries of the console's main pages vs the health check"),
}


def run(name: str, **options) -> dict:
    module, _ = BENCHMARKS[name]
    return import_module(module).main(**options)
