"""Replaying a case's history: the stored state, version and counters must be exactly what its
transitions say. `finegrid check` runs this over every case; the engine's `Machine.replay` walks
the rows under the same action table that wrote them."""

from .workflow import CASES


def replay(case, transitions):
    return CASES.replay(transitions)


def disagreements(case, transitions) -> list[str]:
    """Why the stored case disagrees with its history; empty when it agrees."""
    return CASES.disagreements(case, transitions)
