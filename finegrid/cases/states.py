"""The groups of case states the engine and the pages reason about."""

from .models import Case

S = Case.State
OPEN = frozenset({S.COLLECTED, S.VERIFIED, S.ACCEPTED, S.DISPATCHED, S.HANDLING, S.HANDLED, S.CHECKED, S.PARKED})
# 在办, the one meaning every panel, map, list, export and the API count: opened and not finished,
# and not parked — a 挂账 case is counted apart, as 挂账 (the map once counted it as 在办, the
# overview did not).
RUNNING = OPEN - {S.PARKED}
WITH_UNIT = frozenset({S.DISPATCHED, S.HANDLING})
FINAL = frozenset({S.CLOSED, S.RATED, S.VOID, S.MERGED})
# 回退 goes one step back; the step depends on where the case is.
SEND_BACK_TO = {S.VERIFIED: S.COLLECTED, S.ACCEPTED: S.COLLECTED, S.DISPATCHED: S.ACCEPTED, S.HANDLING: S.ACCEPTED,
                S.HANDLED: S.HANDLING, S.CHECKED: S.HANDLED}
