"""The groups of case states the engine and the pages reason about."""

from .models import Case

S = Case.State
OPEN = frozenset({S.COLLECTED, S.VERIFIED, S.ACCEPTED, S.DISPATCHED, S.HANDLING, S.HANDLED, S.CHECKED, S.PARKED})
WITH_UNIT = frozenset({S.DISPATCHED, S.HANDLING})
FINAL = frozenset({S.CLOSED, S.RATED, S.VOID, S.MERGED})
# 回退 goes one step back; the step depends on where the case is.
SEND_BACK_TO = {S.VERIFIED: S.COLLECTED, S.ACCEPTED: S.COLLECTED, S.DISPATCHED: S.ACCEPTED, S.HANDLING: S.ACCEPTED,
                S.HANDLED: S.HANDLING, S.CHECKED: S.HANDLED}
