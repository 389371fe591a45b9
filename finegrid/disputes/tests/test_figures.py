"""化解率 and 按期调解率 per street, committee and mediator, scored beside the cases."""

from datetime import timedelta

from finegrid.cases.evaluation import CASES, evaluate_together
from finegrid.disputes.engine import DISPUTE_RESULTS, DISPUTES
from finegrid.disputes.panels import figures
from finegrid.disputes.register import register

from .conftest import T0, new_dispute

DAY = timedelta(days=1)
THREE = {"problem_solved": "已解决", "minds_eased": "已疏导", "help_given": "已帮扶"}


def _settle(world, dispute, committee, agreed_after, kept=True):
    DISPUTES.perform(dispute, "assign", world["street_a"], unit=committee, data={"mediator": "worker_a"}, now=T0)
    at = T0 + agreed_after
    DISPUTES.perform(dispute, "agree", world["worker_a"], data={"agreement": "协议"}, now=at)
    DISPUTES.perform(dispute, "visit", world["worker_a"], data={"kept": True}, now=at + DAY)
    DISPUTES.perform(dispute, "close", world["street_a"], data=THREE, now=at + 2 * DAY)
    if not kept:
        DISPUTES.perform(dispute, "visit", world["worker_a"], data={"kept": False}, now=at + 30 * DAY)


def test_settled_and_holding_and_on_time(world, committee):
    disputes = [register(new_dispute(title=f"纠纷{i}"), world["worker_a"], T0) for i in range(4)]
    _settle(world, disputes[0], committee, 10 * DAY)  # settled, on time, holding
    _settle(world, disputes[1], committee, 40 * DAY)  # settled, late
    _settle(world, disputes[2], committee, 5 * DAY, kept=False)  # closed, then found broken
    # disputes[3]: registered in March 2026, never mediated: overdue (its month is long past)
    start, end = T0 - DAY, T0 + DAY
    [street] = DISPUTE_RESULTS.evaluate(start, end, "street")
    assert street.key == "321002001" and street.counts["reported"] == 4
    assert street.values == {"settlement_rate": 0.5, "mediation_on_time_rate": 0.5}
    [person] = DISPUTE_RESULTS.evaluate(start, end, "person")
    assert person.key == "worker_a" and person.counts["reported"] == 3
    [unit] = evaluate_together([CASES, DISPUTE_RESULTS], start, end, "unit")
    assert unit.key == committee.code and unit.values["settlement_rate"] == 2 / 3 and 0 < unit.score <= 100


def test_the_overview_counts_open_disputes_by_field_and_risk(world, committee):
    register(new_dispute(field="delivery", risk="red", risk_reason="业主聚集"), world["worker_a"], T0)
    register(new_dispute(field="delivery", risk="yellow"), world["worker_a"], T0)
    register(new_dispute(field="labour", risk="orange", grid_code="321002002001001"), world["worker_b"], T0)
    leader = figures(world["leader"], T0 + DAY)
    assert leader["open"] == 3 and leader["risks"] == {"red": 1, "orange": 1, "yellow": 1}
    assert {row["field"]: row["n"] for row in leader["fields"]}["delivery"] == 2
    assert figures(world["street_sup"], T0 + DAY)["open"] == 2
    assert figures(world["admin"], T0 + DAY)["open"] == 0
