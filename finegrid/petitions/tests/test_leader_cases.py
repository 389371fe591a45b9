"""包案: a leader owns a hard matter with a plan (一案一策); a plan step past its date or no progress
turns it yellow, then red and 督办 through the engine's escalation; progress clears it."""

import pytest

from finegrid.cases import supervision
from finegrid.cases.machine import TransitionError
from finegrid.cases.models import Notice
from finegrid.cases.notices import fan_out
from finegrid.petitions.leader_cases import LEADER_CASES, take_in_charge
from finegrid.petitions.models import LeaderCase

from .helpers import at, registered


@pytest.fixture
def owned(world):
    petition = registered(world, at("2026-03-02"))
    case = take_in_charge(petition, world["leader"], now=at("2026-03-02"), actor=world["petition_office"])
    LEADER_CASES.perform(case, "plan", world["leader"], now=at("2026-03-03"), data={"plan": [
        {"what": "约谈开发商", "who": "区住建局", "by": "2026-03-20"},
        {"what": "复工", "who": "开发商", "by": "2026-05-01"}]})
    return case


def fresh(case):
    return LeaderCase.objects.get(pk=case.pk)


def test_a_plan_needs_what_who_and_when(world, owned):
    with pytest.raises(TransitionError, match="plan"):
        LEADER_CASES.perform(fresh(owned), "plan", world["leader"], data={"plan": [{"what": "x"}]}, now=at("2026-03-04"))


def test_only_the_owner_and_the_office_act_on_a_leader_case(world, owned):
    from finegrid.conftest import make_user
    from finegrid.org.models import Role

    other = make_user("deputy", Role.LEADER)
    with pytest.raises(TransitionError):
        LEADER_CASES.perform(fresh(owned), "progress", other, data={"note": "看看"}, now=at("2026-03-05"))


def test_a_lagging_leader_case_turns_yellow_then_red_and_is_supervised(world, owned):
    # The petition's own clocks tick too: look at the leader case alone.
    supervision.tick(at("2026-03-16"))
    assert fresh(owned).alarm == ""  # 13 days since the plan, no step due yet
    supervision.tick(at("2026-03-21"))
    assert fresh(owned).alarm == "yellow"  # 约谈 was due on 03-20
    supervision.tick(at("2026-04-20"))
    assert (fresh(owned).alarm, fresh(owned).escalation) == ("red", 1)  # a month behind: 督办
    fan_out()
    told = Notice.objects.filter(subject_type="petitions.leadercase", subject_id=owned.pk)
    assert told.filter(kind="escalate", recipient=world["supervisor"]).exists()
    assert told.filter(recipient=world["leader"], kind="red").exists()
    LEADER_CASES.perform(fresh(owned), "progress", world["leader"], data={"note": "已约谈", "done": [0]},
                         now=at("2026-04-21"))
    case = fresh(owned)
    assert (case.alarm, case.escalation, case.plan[0]["done"]) == ("", 0, True)
    supervision.tick(at("2026-04-22"))
    assert fresh(owned).alarm == ""
    supervision.tick(at("2026-07-01"))
    assert fresh(owned).escalation == 2  # 复工 due 05-01 is two months late: the leaders


def test_a_settled_leader_case_is_no_longer_watched(world, owned):
    LEADER_CASES.perform(fresh(owned), "settle", world["leader"], reason="已复工交房", now=at("2026-04-01"))
    supervision.tick(at("2026-09-01"))
    assert fresh(owned).next_check_at is None and fresh(owned).alarm == ""


def test_the_district_leaders_see_every_leader_case(client, world, owned):
    client.force_login(world["leader"])
    page = client.get("/petitions/leader-cases/").content.decode()
    assert owned.petition.number in page and "约谈开发商" in page
