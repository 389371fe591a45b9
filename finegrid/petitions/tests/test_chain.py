"""A petition's chain (信访工作条例 2022) on the engine, with its dates on the right days: calendar
days (日) where holidays count, a last day on a holiday moved to the next working day, hearings
not counted, one extension only, 复查 and 复核 within their 30 days, 终结 and 不再受理."""

import pytest

from finegrid.cases import supervision
from finegrid.cases.machine import TransitionError
from finegrid.petitions.documents import as_docx, docx_text
from finegrid.petitions.engine import PETITIONS
from finegrid.petitions.models import Petition
from finegrid.petitions.rules import local_day

from .helpers import at, registered



def fresh(petition):
    return Petition.objects.get(pk=petition.pk)


def last_day(moment):
    """The last day of a period that ends at `moment` (the midnight after it)."""
    from datetime import timedelta

    return (local_day(moment) - timedelta(days=1)).isoformat()


def act(petition, action, user, day, **inputs):
    reason = inputs.pop("reason", "")
    unit = inputs.pop("unit", None)
    PETITIONS.perform(petition, action, user, reason=reason, unit=unit, data=inputs, now=at(day))
    return fresh(petition)


def docs(petition) -> dict:
    return {row.data["document"]["kind"]: row.data["document"] for row in petition.transitions.order_by("seq")
            if "document" in row.data}


@pytest.fixture
def handling(world):
    """Registered on 2026-03-02, transferred to 住建局 on 03-03, accepted on 03-05."""
    office = world["petition_office"]
    petition = registered(world, at("2026-03-02"))
    petition = act(petition, "transfer", office, "2026-03-03", unit=world["zjj"])
    return act(petition, "accept", world["handler_zjj"], "2026-03-05")


def test_a_petition_goes_through_the_whole_chain_to_its_end_with_its_documents(world, handling):
    office, handler = world["petition_office"], world["handler_zjj"]
    first = handling.transitions.order_by("seq")
    assert [r.action for r in first] == ["register", "transfer", "accept"]
    # 60 days from 03-05 end on 05-04, in the 劳动节 holiday: the period ends on the next working day.
    assert last_day(handling.due_at) == "2026-05-06"
    petition = act(handling, "hear", handler, "2026-03-20")
    petition = act(petition, "resume", handler, "2026-03-30")
    assert last_day(petition.due_at) == "2026-05-14"  # the hearing's 10 days are not counted
    petition = act(petition, "extend", handler, "2026-05-08", days=30, approved_by="区信访局 李局长", reason="需补充鉴定")
    assert last_day(petition.due_at) == "2026-06-15"  # 100 days end on Saturday 06-13: Monday
    with pytest.raises(TransitionError, match="once"):
        act(petition, "extend", handler, "2026-06-01", days=5, approved_by="李局长", reason="再次")
    petition = act(petition, "answer", handler, "2026-06-10", opinion="责成开发商于7月复工，区住建局督促。")
    assert (petition.state, last_day(petition.window_ends)) == ("answered", "2026-07-10")
    petition = act(petition, "rate", office, "2026-06-12", rating=1)
    petition = act(petition, "review", office, "2026-07-08")
    assert (petition.state, last_day(petition.due_at)) == ("reviewing", "2026-08-07")
    petition = act(petition, "answer_review", office, "2026-08-03", opinion="维持原处理意见。")
    assert last_day(petition.window_ends) == "2026-09-02"
    petition = act(petition, "recheck", office, "2026-09-01")
    assert last_day(petition.due_at) == "2026-10-08"  # 10-01 falls in 国庆: after the holiday
    petition = act(petition, "answer_recheck", office, "2026-09-28", opinion="复核维持，本意见为终结意见。")
    assert petition.state == "concluded" and local_day(petition.concluded_at).isoformat() == "2026-09-28"
    written = docs(petition)
    assert set(written) == {"accepted", "answered", "reviewed", "rechecked"}
    assert "2026年5月6日" in written["accepted"]["text"] and "王建国" in written["accepted"]["text"]
    assert "2026年7月10日" in written["answered"]["text"] and "终结" in written["rechecked"]["text"]
    word = docx_text(as_docx(written["answered"]))
    assert word[:2] == ["信访事项处理意见书", written["answered"]["number"]] and any("复工" in p for p in word)
    assert not PETITIONS.disagreements(petition, list(petition.transitions.order_by("seq")))


def test_holidays_inside_a_sixty_day_period_count(world):
    petition = registered(world, at("2026-09-08"))
    petition = act(petition, "transfer", world["petition_office"], "2026-09-09", unit=world["zjj"])
    petition = act(petition, "accept", world["handler_zjj"], "2026-09-10")
    # 中秋 and the whole of 国庆 lie inside: 60 calendar days still end on 11-09.
    assert last_day(petition.due_at) == "2026-11-09" and last_day(petition.handle_due_at) == "2026-11-09"


def test_an_extension_asked_twice_is_refused(world, handling):
    handler = world["handler_zjj"]
    petition = act(handling, "extend", handler, "2026-04-20", days=30, approved_by="李局长", reason="情况复杂")
    with pytest.raises(TransitionError, match="second extension"):
        act(petition, "extend", handler, "2026-05-01", days=10, approved_by="李局长", reason="再延")
    assert "extend" not in [a.name for a in PETITIONS.allowed(fresh(petition), handler)]
    assert fresh(petition).extension_count == 1


def test_an_extension_needs_a_reason_an_approval_and_at_most_thirty_days(world, handling):
    handler = world["handler_zjj"]
    with pytest.raises(TransitionError, match="理由|reason"):
        act(handling, "extend", handler, "2026-04-20", days=30, approved_by="李局长")
    with pytest.raises(TransitionError, match="days"):
        act(fresh(handling), "extend", handler, "2026-04-20", days=31, approved_by="李局长", reason="复杂")
    with pytest.raises(TransitionError, match="approved_by|unknown"):
        act(fresh(handling), "extend", handler, "2026-04-20", days=30, reason="复杂")


def test_a_review_asked_after_thirty_days_is_refused_with_the_date(world, handling):
    petition = act(handling, "answer", world["handler_zjj"], "2026-06-10", opinion="处理意见")
    with pytest.raises(TransitionError, match="2026-07-10"):
        act(petition, "review", world["petition_office"], "2026-07-11")
    assert fresh(petition).state == "answered"


def test_the_petitioners_window_runs_out_and_the_worker_concludes(world, handling):
    petition = act(handling, "answer", world["handler_zjj"], "2026-06-10", opinion="处理意见")
    assert supervision.tick(at("2026-07-10", 23))["acted"] == 0
    assert supervision.tick(at("2026-07-11", 8))["acted"] == 1
    assert fresh(petition).state == "concluded"


def test_a_concluded_matter_submitted_again_is_recognised_answered_not_again_and_counted(world, handling):
    office = world["petition_office"]
    petition = act(handling, "answer", world["handler_zjj"], "2026-06-10", opinion="处理意见")
    supervision.tick(at("2026-07-12"))
    again = registered(world, at("2026-08-03"), matter="保交楼项目停工两年，业主至今无法收房", channel="letter")
    assert again.again_of_id == petition.pk and again.first_id == petition.pk
    again = act(again, "not_again", office, "2026-08-04")
    assert again.state == "not_again" and "不再受理" in docs(again)["not_again"]["text"]
    assert petition.resubmissions.filter(state="not_again").count() == 1
    other = registered(world, at("2026-08-05"), matter="小区物业费上涨", field="物业", id_number="",
                       channel="phone", name="李四", phone="13900002222", address="别处")
    with pytest.raises(TransitionError, match="no concluded matter"):
        act(other, "not_again", office, "2026-08-06")


def test_a_claim_is_not_routed_and_other_classes_leave_the_chain(world):
    office = world["petition_office"]
    petition = registered(world, at("2026-03-02"))
    with pytest.raises(TransitionError, match="kind"):
        act(petition, "route", office, "2026-03-03", kind="claim", to="诉讼", opinion="x")
    with pytest.raises(TransitionError, match="to: "):
        act(fresh(petition), "route", office, "2026-03-03", kind="legal", to="信访", opinion="x")
    petition = act(fresh(petition), "route", office, "2026-03-03", kind="legal", to="仲裁", opinion="请依法申请劳动仲裁。")
    assert petition.state == "routed" and petition.next_check_at is None
    assert "仲裁" in docs(petition)["routed"]["text"] and "有法定途径" in docs(petition)["routed"]["text"]
    assert not [a for a in PETITIONS.allowed(petition, office) if a.name in ("review", "recheck")]


def test_not_accepting_needs_the_reason_and_where_to_go(world):
    office = world["petition_office"]
    petition = act(registered(world, at("2026-03-02")), "transfer", office, "2026-03-03", unit=world["zjj"])
    with pytest.raises(TransitionError, match="instead"):
        act(petition, "decline", world["handler_zjj"], "2026-03-05", reason="已进入诉讼程序", instead="")
    petition = act(fresh(petition), "decline", world["handler_zjj"], "2026-03-05", reason="已进入诉讼程序",
                   instead="区人民法院")
    assert "区人民法院" in docs(petition)["declined"]["text"] and petition.state == "declined"


def test_only_the_units_handler_acts_on_a_transferred_petition(world):
    office = world["petition_office"]
    petition = act(registered(world, at("2026-03-02")), "transfer", office, "2026-03-03", unit=world["zjj"])
    with pytest.raises(TransitionError):
        act(petition, "accept", world["handler_cgj"], "2026-03-04")
    assert [a.name for a in PETITIONS.allowed(fresh(petition), world["handler_cgj"])] == []


def test_the_acceptance_clock_warns_and_escalates(world):
    petition = act(registered(world, at("2026-03-02")), "transfer", world["petition_office"], "2026-03-03",
                   unit=world["zjj"])
    assert last_day(petition.due_at) == "2026-03-18"
    assert supervision.tick(at("2026-03-16"))["yellow"] == 1
    counts = supervision.tick(at("2026-03-19", 9))
    assert (counts["red"], counts["escalated"]) == (1, 1)


def test_a_new_rule_version_applies_to_new_petitions_and_the_old_keep_theirs(world, handling):
    from datetime import date

    from finegrid.petitions.rules import default_rule, revise

    days = {**default_rule().days, "handle": 45}
    assert revise(days, True, date(2026, 1, 1), source="test").version == 2
    newer = registered(world, at("2026-09-08"))
    newer = act(newer, "transfer", world["petition_office"], "2026-09-09", unit=world["zjj"])
    newer = act(newer, "accept", world["handler_zjj"], "2026-09-10")
    assert newer.rule_version == 2 and last_day(newer.due_at) == "2026-10-26"  # 45 days
    older = act(handling, "hear", world["handler_zjj"], "2026-03-10")
    older = act(older, "resume", world["handler_zjj"], "2026-03-11")
    assert older.rule_version == 1 and last_day(older.due_at) == "2026-05-06"  # 61 days: 05-05 is 劳动节
    with pytest.raises(ValueError, match="positive whole number"):
        revise({**days, "handle": 0}, True, date(2026, 1, 1))


def test_a_document_is_chinese_whatever_language_the_step_runs_in(world):
    """The demo's seeding runs in English; its 受理告知书 once read "以Visit (来访)方式反映"."""
    from django.utils import translation

    from finegrid.petitions.documents import compose

    petition = Petition(number="XF1", channel="visit", matter="小区停工", anonymous=True)
    from types import SimpleNamespace

    step = SimpleNamespace(now=at("2026-03-02"), reason="", data={}, unit=world["zjj"])
    with translation.override("en"):
        text = compose("accepted", petition, step, {"handle_due_at": None, "window_ends": None, "kind": ""})["text"]
    assert "Visit" not in text and "来访" in text
