"""A dispute through the engine: registration, mediation within its month, consent to extend,
agreement, visits, 三到位, reopening; the deadline worker and its escalation; who wins a race."""

from datetime import UTC, datetime, timedelta

import pytest

from finegrid.cases import supervision
from finegrid.cases.machine import Conflict, TransitionError
from finegrid.cases.models import Notice
from finegrid.cases.notices import fan_out
from finegrid.disputes.engine import DISPUTES, one_month_after
from finegrid.disputes.models import Dispute
from finegrid.disputes.register import DisputeError, NewParty, register

from .conftest import T0, new_dispute

DAY = timedelta(days=1)


def _fresh(dispute) -> Dispute:
    return Dispute.objects.get(pk=dispute.pk)


def _mediating(world, dispute, committee, mediator="worker_a"):
    DISPUTES.perform(dispute, "assign", world["street_a"], unit=committee, data={"mediator": mediator}, now=T0)
    return dispute


def _agreed(world, dispute, committee, at=T0 + 5 * DAY):
    _mediating(world, dispute, committee)
    DISPUTES.perform(dispute, "session", world["worker_a"], data={"summary": "背靠背调解", "place": "社区调解室"}, now=at)
    DISPUTES.perform(dispute, "agree", world["worker_a"], data={"agreement": "李四修复防水层，赔偿2000元"}, now=at)
    return dispute


THREE = {"problem_solved": "防水层已修复，赔偿已付", "minds_eased": "双方握手言和", "help_given": "社区协助联系维修"}


def test_a_month_is_a_calendar_month():
    assert one_month_after(datetime(2026, 1, 31, 2, tzinfo=UTC)) == datetime(2026, 2, 28, 2, tzinfo=UTC)
    assert one_month_after(datetime(2026, 12, 15, 2, tzinfo=UTC)) == datetime(2027, 1, 15, 2, tzinfo=UTC)


def test_registration_starts_the_month_of_mediation(dispute):
    assert (dispute.state, dispute.due_at, dispute.area_code) == ("registered", T0 + 31 * DAY, "321002001001001")
    assert [p.side for p in dispute.parties.all()] == ["applicant", "respondent"]
    assert not DISPUTES.disagreements(_fresh(dispute), list(dispute.transitions.order_by("seq")))


def test_a_risk_level_without_a_reason_is_refused(world, dispute):
    with pytest.raises(DisputeError) as refused:
        register(new_dispute(risk="red", risk_reason="  "), world["worker_a"], T0)
    assert refused.value.field == "risk_reason"
    with pytest.raises(TransitionError, match="理由|reason"):
        DISPUTES.perform(dispute, "rate_risk", world["street_a"], data={"risk": "red"}, now=T0)
    DISPUTES.perform(dispute, "rate_risk", world["street_a"], reason="扬言过激行为", data={"risk": "red"}, now=T0)
    assert (_fresh(dispute).risk, _fresh(dispute).risk_reason) == ("red", "扬言过激行为")


def test_registration_names_the_field_it_refuses(world):
    cases = [({"parties": [NewParty("张三", "applicant")]}, "parties"), ({"field": "weather"}, "field"),
             ({"grid_code": "321002009009009"}, "grid_code"), ({"grid_code": "", "lon": 100.0, "lat": 20.0}, "lon")]
    for given, field in cases:
        with pytest.raises(DisputeError) as refused:
            register(new_dispute(**given), world["worker_a"], T0)
        assert refused.value.field == field
    with pytest.raises(DisputeError) as outside:  # grid A is not worker B's
        register(new_dispute(), world["worker_b"], T0)
    assert outside.value.field == "area"


def test_closing_without_the_three_in_place_is_refused_naming_what_is_missing(world, dispute, committee):
    _agreed(world, dispute, committee)
    with pytest.raises(TransitionError, match="visit"):  # no follow-up yet
        DISPUTES.perform(dispute, "close", world["street_a"], data=THREE, now=T0 + 10 * DAY)
    DISPUTES.perform(dispute, "visit", world["worker_a"], data={"kept": True, "note": "已履行"}, now=T0 + 9 * DAY)
    with pytest.raises(TransitionError) as refused:
        DISPUTES.perform(dispute, "close", world["street_a"], data={**THREE, "minds_eased": "", "help_given": " "},
                         now=T0 + 10 * DAY)
    assert "思想疏导到位" in str(refused.value) and "帮扶救助到位" in str(refused.value)
    assert "问题解决到位" not in str(refused.value)
    DISPUTES.perform(dispute, "close", world["street_a"], data=THREE, now=T0 + 10 * DAY)
    closed = _fresh(dispute)
    assert (closed.state, closed.help_given, closed.closed_at) == ("closed", "社区协助联系维修", T0 + 10 * DAY)


def test_an_extension_needs_both_parties_consent(world, dispute, committee):
    _mediating(world, dispute, committee)
    with pytest.raises(TransitionError) as refused:
        DISPUTES.perform(dispute, "extend", world["worker_a"], reason="需鉴定漏水原因",
                         data={"days": 15, "applicant_consent": True, "respondent_consent": False}, now=T0 + 20 * DAY)
    assert "respondent" in str(refused.value) and "applicant" not in str(refused.value)
    with pytest.raises(TransitionError, match="理由|reason"):
        DISPUTES.perform(dispute, "extend", world["worker_a"],
                         data={"days": 15, "applicant_consent": True, "respondent_consent": True}, now=T0 + 20 * DAY)
    DISPUTES.perform(dispute, "extend", world["worker_a"], reason="需鉴定漏水原因",
                     data={"days": 15, "applicant_consent": True, "respondent_consent": True}, now=T0 + 20 * DAY)
    assert (_fresh(dispute).due_at, _fresh(dispute).extension_count) == (T0 + 46 * DAY, 1)


def test_an_overdue_mediation_warns_the_mediator_and_escalates_to_the_streets_supervisors(world, dispute, committee):
    _mediating(world, dispute, committee)
    assert supervision.tick(T0 + 24 * DAY)["yellow"] == 0
    assert supervision.tick(T0 + 25 * DAY)["yellow"] == 1  # 80 % of 31 days
    counts = supervision.tick(T0 + 31 * DAY)
    assert (counts["red"], counts["escalated"]) == (1, 1)
    fan_out()
    told = Notice.objects.filter(subject_type="disputes.dispute", subject_id=dispute.pk)
    assert set(told.filter(recipient=world["worker_a"]).values_list("kind", flat=True)) == {"info", "yellow", "red"}
    assert told.filter(unit=committee, kind="red").exists()
    assert set(told.filter(kind="escalate").values_list("recipient", flat=True)) == {
        world["supervisor"].pk, world["street_sup"].pk}
    assert told.first().link == f"/disputes/{dispute.pk}/"
    assert supervision.tick(T0 + 47 * DAY)["escalated"] == 1  # 150 %: the leaders


def test_an_agreement_stops_the_clock(world, dispute, committee):
    _agreed(world, dispute, committee)
    assert _fresh(dispute).next_check_at is None and supervision.tick(T0 + 40 * DAY)["claimed"] == 0


def test_a_broken_agreement_reopens_the_dispute_and_its_month_starts_again(world, dispute, committee):
    _agreed(world, dispute, committee)
    with pytest.raises(TransitionError, match="broken"):
        DISPUTES.perform(dispute, "reopen", world["street_a"], reason="试试", now=T0 + 8 * DAY)
    DISPUTES.perform(dispute, "visit", world["worker_a"], data={"kept": False, "note": "未赔偿"}, now=T0 + 20 * DAY)
    with pytest.raises(TransitionError, match="kept"):
        DISPUTES.perform(dispute, "close", world["street_a"], data=THREE, now=T0 + 21 * DAY)
    DISPUTES.perform(dispute, "reopen", world["worker_a"], reason="协议未履行", now=T0 + 21 * DAY)
    reopened = _fresh(dispute)
    assert (reopened.state, reopened.due_at, reopened.mediated_at) == ("mediating", T0 + 52 * DAY, None)
    assert reopened.reopen_count == 1
    assert not DISPUTES.disagreements(reopened, list(dispute.transitions.order_by("seq")))


def test_a_failed_mediation_is_referred_with_its_path(world, dispute, committee):
    _mediating(world, dispute, committee)
    with pytest.raises(TransitionError, match="referral"):
        DISPUTES.perform(dispute, "fail", world["worker_a"], reason="分歧太大", data={"referral": "court"}, now=T0)
    DISPUTES.perform(dispute, "fail", world["worker_a"], reason="分歧太大", data={"referral": "lawsuit"}, now=T0)
    assert (_fresh(dispute).state, _fresh(dispute).referral) == ("referred", "lawsuit")


def test_two_mediators_acting_at_once_one_wins(world, dispute, committee):
    _mediating(world, dispute, committee)
    first, second = _fresh(dispute), _fresh(dispute)  # both loaded the same version
    DISPUTES.perform(first, "session", world["worker_a"], data={"summary": "第一次调解"}, now=T0 + DAY)
    with pytest.raises(Conflict):
        DISPUTES.perform(second, "agree", world["street_a"], data={"agreement": "各让一步"}, now=T0 + DAY)
    assert (_fresh(dispute).state, _fresh(dispute).session_count) == ("mediating", 1)


def test_only_the_mediator_and_the_streets_staff_mediate(world, dispute, committee):
    other = world["worker_b"]
    with pytest.raises(TransitionError):
        DISPUTES.perform(dispute, "assign", world["worker_a"], unit=committee, now=T0)  # a grid worker assigns nobody
    _mediating(world, dispute, committee)
    with pytest.raises(TransitionError):
        DISPUTES.perform(dispute, "session", other, data={"summary": "x"}, now=T0)
    with pytest.raises(TransitionError, match="mediator"):
        DISPUTES.perform(dispute, "assign", world["street_a"], data={"mediator": "worker_b"}, now=T0)
    assert [a.name for a in DISPUTES.allowed(_fresh(dispute), world["leader"])] == []
