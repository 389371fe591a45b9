from datetime import datetime, timedelta, timezone as tz

import pytest

from finegrid.cases.notices import fan_out
from finegrid.cases.models import Case, Notice, Transition
from finegrid.cases.reporting import open_case
from finegrid.cases.workflow import Conflict, TransitionError, allowed_actions, perform

# A Tuesday morning in Shanghai (02:00 UTC = 10:00 local), a plain working day.
TUESDAY = datetime(2026, 3, 10, 2, 0, tzinfo=tz.utc)


def _case(world, **kwargs):
    defaults = dict(channel="patrol", title="井盖缺失", category_code="C0101", lon=119.4075, lat=32.4150, now=TUESDAY)
    return open_case(**{**defaults, **kwargs})


def test_a_report_is_located_and_gets_a_readable_ticket(world):
    case = _case(world)
    assert case.state == "collected" and case.grid.code == "321002001001001"
    assert case.area_code == "321002001001001002"
    assert case.ticket.startswith("260310") and case.ticket.isdigit()
    assert list(case.transitions.values_list("action", flat=True)) == ["report"]


def test_the_whole_life_cycle_writes_a_row_per_step(world):
    case = _case(world)
    perform(case, "accept", world["operator"], now=TUESDAY)
    # 4 working hours from 10:00: two before the lunch break, two after 13:30 → 15:30 local.
    assert case.due_at == datetime(2026, 3, 10, 7, 30, tzinfo=tz.utc)
    perform(case, "dispatch", world["dispatcher"], unit=world["cgj"], now=TUESDAY)
    perform(case, "start", world["handler_cgj"], now=TUESDAY)
    perform(case, "report_done", world["handler_cgj"], now=TUESDAY + timedelta(hours=1))
    perform(case, "close", world["operator"], now=TUESDAY + timedelta(hours=2))
    actions = list(Transition.objects.filter(case=case).values_list("action", flat=True))
    assert actions == ["report", "accept", "dispatch", "start", "report_done", "close"]
    assert case.state == "closed" and Case.objects.get(pk=case.pk).version == 6
    fan_out()
    assert Notice.objects.filter(case=case, unit=world["cgj"], kind="assigned").exists()


def test_an_illegal_transition_is_refused_with_the_reason(world):
    case = _case(world)
    with pytest.raises(TransitionError, match="不能|not possible|无法|不可"):
        perform(case, "close", world["operator"])


def test_a_handler_of_another_unit_may_not_act(world):
    case = _case(world)
    perform(case, "accept", world["operator"], now=TUESDAY)
    perform(case, "dispatch", world["dispatcher"], unit=world["cgj"], now=TUESDAY)
    with pytest.raises(TransitionError):
        perform(case, "start", world["handler_zjj"])
    assert [a.name for a in allowed_actions(case, world["handler_cgj"])] == [
        "start", "report_done", "send_back", "extend_request"]


def test_a_grid_worker_acts_only_in_own_grid(world):
    case = _case(world, category_code="C0101")
    assert "verify" in [a.name for a in allowed_actions(case, world["worker_a"])]
    assert "verify" not in [a.name for a in allowed_actions(case, world["worker_b"])]


def test_reason_is_required_where_the_standard_asks_for_one(world):
    case = _case(world)
    with pytest.raises(TransitionError):
        perform(case, "void", world["operator"])
    perform(case, "void", world["operator"], reason="重复上报")
    assert case.state == "void"


def test_unknown_category_waits_for_an_operator(world):
    case = _case(world, category_code="Z9999")
    assert case.category is None and case.state == "collected"
    with pytest.raises(TransitionError):
        perform(case, "accept", world["operator"])


def test_two_people_acting_on_one_case_only_one_wins(world):
    case = _case(world)
    perform(case, "accept", world["operator"], now=TUESDAY)
    stale = Case.objects.get(pk=case.pk)
    perform(case, "dispatch", world["dispatcher"], unit=world["cgj"], now=TUESDAY)
    with pytest.raises(Conflict):
        perform(stale, "dispatch", world["dispatcher"], unit=world["zjj"], now=TUESDAY)
    assert Case.objects.get(pk=case.pk).unit == world["cgj"]


def test_rework_and_reassign_are_counted(world):
    case = _case(world, category_code="C0101")
    perform(case, "accept", world["operator"], now=TUESDAY)
    perform(case, "dispatch", world["dispatcher"], unit=world["zjj"], now=TUESDAY)
    perform(case, "reassign", world["dispatcher"], unit=world["cgj"], reason="不属于住建局", now=TUESDAY)
    perform(case, "report_done", world["handler_cgj"], now=TUESDAY)
    perform(case, "rework", world["operator"], reason="井盖仍未恢复", now=TUESDAY)
    assert (case.reassign_count, case.rework_count, case.state) == (1, 1, "handling")


def test_extension_moves_the_deadline_only_when_approved(world):
    case = _case(world)
    perform(case, "accept", world["operator"], now=TUESDAY)
    perform(case, "dispatch", world["dispatcher"], unit=world["cgj"], now=TUESDAY)
    due = case.due_at
    perform(case, "extend_request", world["handler_cgj"], reason="需采购井盖", data={"limit": "1工作日"}, now=TUESDAY)
    assert case.due_at == due and case.extension_pending
    perform(case, "extend_approve", world["supervisor"], now=TUESDAY)
    assert case.due_at > due and case.extension_count == 1 and not case.extension_pending


def test_merge_points_the_duplicate_at_its_master(world):
    master, duplicate = _case(world), _case(world)
    perform(duplicate, "merge", world["operator"], data={"master": master.ticket})
    assert duplicate.state == "merged" and duplicate.master == master
    with pytest.raises(TransitionError):
        perform(master, "merge", world["operator"], data={"master": duplicate.ticket})


def test_a_leader_takes_ownership_without_changing_the_state(world):
    case = _case(world)
    perform(case, "own", world["leader"])
    assert case.owner == world["leader"] and case.state == "collected"


def test_the_reporter_of_a_duplicate_hears_the_masters_outcome(world):
    from finegrid.cases.reporting import outcome_case

    master, duplicate = _case(world), _case(world, reporter=world["resident"])
    perform(duplicate, "merge", world["operator"], data={"master": master.ticket})
    assert outcome_case(duplicate) == master
    for action, actor, unit in [("accept", "operator", None), ("dispatch", "dispatcher", world["cgj"]),
                                ("report_done", "handler_cgj", None), ("close", "operator", None)]:
        perform(master, action, world[actor], unit=unit, now=TUESDAY)
    fan_out()
    assert Notice.objects.filter(recipient=world["resident"], case=duplicate, kind="info").exists()


def test_evidence_photos_are_checked_by_content_and_stored_with_the_step(world, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    case = _case(world)
    for action, actor, unit in [("accept", "operator", None), ("dispatch", "dispatcher", world["cgj"])]:
        perform(case, action, world[actor], unit=unit, now=TUESDAY)
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 not a photo", content_type="image/jpeg")
    with pytest.raises(TransitionError, match="photo.jpg"):
        perform(case, "report_done", world["handler_cgj"], evidence=[fake])
    assert case.state == "dispatched"
    from .factories import image_bytes

    photo = SimpleUploadedFile("done.png", image_bytes(), content_type="image/png")
    transition = perform(case, "report_done", world["handler_cgj"], evidence=[photo])
    [stored] = transition.evidence.all()
    assert stored.content_type == "image/png" and stored.size == len(stored.file.read()) and len(stored.sha256) == 64


def test_perform_refuses_inputs_the_action_does_not_take(world):
    case, other = _case(world), _case(world)
    with pytest.raises(TransitionError, match="master"):
        perform(case, "accept", world["operator"], data={"master": other.ticket}, now=TUESDAY)
    assert Case.objects.get(pk=case.pk).state == "collected"


def test_a_parked_case_gets_back_the_time_it_had_left(world):
    case = _case(world)
    perform(case, "accept", world["operator"], now=TUESDAY)  # 4 working hours, due 15:30 local
    # Parked at 11:00 local with 3 working hours left (11:00–12:00 and 13:30–15:30) …
    perform(case, "park", world["supervisor"], reason="历史遗留", now=TUESDAY + timedelta(hours=1))
    # … and resumed the next morning at 09:00: the same 3 hours run to 12:00, not to yesterday 15:30.
    perform(case, "unpark", world["supervisor"], now=datetime(2026, 3, 11, 1, 0, tzinfo=tz.utc))
    assert Case.objects.get(pk=case.pk).due_at == datetime(2026, 3, 11, 4, 0, tzinfo=tz.utc)


def test_only_actions_whose_readiness_passes_are_offered(world):
    from finegrid.cases.tests.factories import make_category

    make_category("C0102", name="污水井盖", verify=True)
    needs_visit = _case(world, category_code="C0102", channel="web")
    assert "accept" not in [a.name for a in allowed_actions(needs_visit, world["operator"])]
    with pytest.raises(TransitionError, match="核实"):
        perform(needs_visit, "accept", world["operator"], now=TUESDAY)
    case = _case(world)
    for action, actor, unit in [("accept", "operator", None), ("dispatch", "dispatcher", world["cgj"])]:
        perform(case, action, world[actor], unit=unit, now=TUESDAY)
    offered = [a.name for a in allowed_actions(case, world["supervisor"])]
    assert "extend_approve" not in offered and "extend_reject" not in offered  # nothing was asked
    perform(case, "extend_request", world["handler_cgj"], reason="材料未到", data={"limit": "1工作日"}, now=TUESDAY)
    offered = [a.name for a in allowed_actions(case, world["supervisor"])]
    assert {"extend_approve", "extend_reject"} <= set(offered)
    assert "extend_request" not in [a.name for a in allowed_actions(case, world["handler_cgj"])]


def test_a_category_corrected_at_accept_is_part_of_the_accept_row(world):
    from finegrid.cases.replay import disagreements
    from finegrid.cases.tests.factories import make_category

    make_category("C0105", name="雨水井盖", limit=(2, "work_hours"))
    case = _case(world, category_code="C0101")
    perform(case, "accept", world["operator"], data={"category": "C0105", "corrected": True}, now=TUESDAY)
    stored = Case.objects.get(pk=case.pk)
    assert (stored.category.code, stored.rule.category.code, stored.limit_value) == ("C0105", "C0105", 2)
    row = stored.transitions.get(action="accept")
    assert (row.data["category"], row.data["category_before"], row.data["corrected"]) == ("C0105", "C0101", True)
    assert not disagreements(stored, list(stored.transitions.order_by("seq")))
    with pytest.raises(TransitionError, match="C9999"):
        perform(_case(world), "accept", world["operator"], data={"category": "C9999"}, now=TUESDAY)


def test_a_correction_to_a_category_without_核实_is_accepted_at_once(world):
    """The report's own category needs 核实 first; 立案 under a corrected one that does not is ready now."""
    from finegrid.cases.tests.factories import make_category

    make_category("C0102", name="污水井盖", verify=True)
    make_category("C0105", name="雨水井盖")
    case = _case(world, category_code="C0102", channel="web")
    assert "accept" not in [a.name for a in allowed_actions(case, world["operator"])]
    perform(case, "accept", world["operator"], data={"category": "C0105"}, now=TUESDAY)
    assert Case.objects.get(pk=case.pk).category.code == "C0105"


def test_a_grid_workers_own_patrol_report_needs_no_核实(world):
    """The worker stood at the place: 立案 is ready at once, where a resident's report of the same
    category waits for its 核实 (issue 15: a grid worker had to verify their own report)."""
    from finegrid.cases.tests.factories import make_category
    from finegrid.intake.patrol import tasks_of

    make_category("C0102", name="污水井盖", verify=True)
    patrol = _case(world, category_code="C0102", channel="patrol", reporter=world["worker_a"])
    resident = _case(world, category_code="C0102", channel="web")
    assert "accept" in [a.name for a in allowed_actions(patrol, world["operator"])]
    assert "accept" not in [a.name for a in allowed_actions(resident, world["operator"])]
    assert patrol not in tasks_of([world["grid_a"]]) and resident in tasks_of([world["grid_a"]])
    perform(patrol, "accept", world["operator"], now=TUESDAY)
