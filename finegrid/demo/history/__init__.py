"""A year of realistic case history for the demo district: `generate_history(n)`.

Each case is lived through step by step in memory under the rules of `actions.ACTIONS` and the
changes of `effects` — the same deadlines from the work calendar, the same automatic dispatch
when the matrix names one unit, and the deadline worker's warnings (`supervision`) at the very
moments it would write them — then everything is written in bulk (SQLite: one prepared INSERT
stepped over all rows; PostgreSQL: COPY): the cases, with ids chosen here so tickets and
transitions can name them, then their transitions. The same seed and `end` give the same
history, ticket for ticket.

The realism knobs are the tables below: the channel mix, the 大类 that dominate, the daily and
weekly rhythm, the share of each side path, and every unit's hidden diligence, so evaluation
figures differ between units the way real ones do. A story that runs past `end` stops where it
is, and a few recent ones are cut short in each open state, so the console has live work."""

import gc
import random
from contextlib import contextmanager
from datetime import UTC, datetime

from django.utils import timezone

from finegrid.cases.actions import FINAL
from .mix import SHARES
from .reports import sample
from .stories import duplicate_life, duplicates, keep_live_work, life, number
from .world import HistoryError, World
from .writing import tick, write

__all__ = ["HistoryError", "generate_history"]


def generate_history(n: int, *, seed: int = 0, end: datetime | None = None, progress=None) -> dict:
    """Writes `n` cases reported over the year before `end` (default now), with their transitions."""
    with _without_cycle_collection():
        return _generate(n, seed, (end or timezone.now()).astimezone(UTC).replace(microsecond=0), progress)


@contextmanager
def _without_cycle_collection():
    """Millions of small objects and no reference cycles among them: the cyclic collector would
    only rescan them again and again (measured: a fifth of the run)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _generate(n: int, seed: int, end: datetime, progress) -> dict:
    rng = random.Random(seed)
    world = World(rng, end)
    n_dup = round(n * SHARES["duplicate"])
    sims = [sample(world, rng, key, seed) for key in range(n - n_dup)]
    world.calibrate(sims)
    for done, sim in enumerate(sims, 1):
        sim.run(life, seed)
        if done % 5000 == 0:
            tick(progress, "simulate", done, n)
    keep_live_work(sims, rng, seed, max(1, n // 20_000))
    dups = duplicates(world, rng, sims, n_dup, seed)
    everything = sorted(sims + dups, key=lambda s: (s.reported_at, s.key))
    number(everything)
    for sim in dups:
        sim.run(duplicate_life, seed)
    tick(progress, "simulate", n, n)
    transitions = write(everything, progress)
    still_open = sum(1 for s in everything if s.state not in FINAL)
    return {"cases": len(everything), "transitions": transitions, "open": still_open}



