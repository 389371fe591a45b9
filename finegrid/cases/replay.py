"""Replaying a case's history: the stored state, version and counters must be exactly what its
transitions say. `finegrid check` runs this over every case."""

from dataclasses import dataclass

from .actions import ACTIONS
from .models import Case

COUNTED = {"rework": "rework_count", "reopen": "rework_count", "reassign": "reassign_count",
           "extend_approve": "extension_count"}


@dataclass
class Replayed:
    state: str
    version: int
    counters: dict
    problems: list


def replay(case: Case, transitions) -> Replayed:
    """Walk the transitions in order, checking each starts where the last ended and is legal."""
    state, problems = "", []
    counters = {"rework_count": 0, "reassign_count": 0, "extension_count": 0}
    for expected_seq, row in enumerate(transitions, start=1):
        if row.seq != expected_seq:
            problems.append(f"transition #{row.seq} where #{expected_seq} was expected")
        if row.from_state != state:
            problems.append(f"#{row.seq} {row.action} starts from {row.from_state!r}, the case was {state!r}")
        act = ACTIONS.get(row.action)
        if act is None or (row.from_state not in act.sources) or act.target_from(row.from_state) != row.to_state:
            problems.append(f"#{row.seq} {row.action} {row.from_state!r}→{row.to_state!r} is not a legal step")
        if row.action in COUNTED:
            counters[COUNTED[row.action]] += 1
        state = row.to_state
    return Replayed(state, len(transitions), counters, problems)


def disagreements(case: Case, transitions) -> list[str]:
    """Why the stored case disagrees with its history; empty when it agrees."""
    result = replay(case, transitions)
    problems = list(result.problems)
    if result.state != case.state:
        problems.append(f"stored state {case.state!r}, history says {result.state!r}")
    if result.version != case.version:
        problems.append(f"stored version {case.version}, history has {result.version} transitions")
    for name, value in result.counters.items():
        if getattr(case, name) != value:
            problems.append(f"stored {name} {getattr(case, name)}, history says {value}")
    return problems
