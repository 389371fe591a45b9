from finegrid.cases.dispatch import auto_dispatch, queue, suggestions, unambiguous_unit
from finegrid.cases.tests.test_workflow import TUESDAY, _case
from finegrid.cases.workflow import perform
from finegrid.grid.models import Region
from finegrid.org.models import Responsibility, Unit
from finegrid.org.scopes import scope_of


def _accepted(world):
    case = _case(world)
    perform(case, "accept", world["operator"], now=TUESDAY)
    return case


def test_one_primary_unit_in_the_matrix_dispatches_a_waiting_case(world):
    case = _accepted(world)
    Responsibility.objects.create(category_code="C01", region=Region.objects.get(code="321002"), unit=world["cgj"])
    transition = auto_dispatch(case, now=TUESDAY)
    assert transition.role == "system" and case.state == "dispatched" and case.unit == world["cgj"]


def test_two_primary_units_leave_the_case_in_the_queue_with_both_suggested(world):
    district = Region.objects.get(code="321002")
    Responsibility.objects.create(category_code="C0101", region=district, unit=world["cgj"])
    Responsibility.objects.create(category_code="C0101", region=district, unit=world["zjj"])
    case = _accepted(world)
    assert unambiguous_unit(case) is None and auto_dispatch(case) is None
    assert case in queue(scope_of(world["dispatcher"]))
    assert {s.unit.code for s in suggestions(case)} == {"cgj", "zjj"}


def test_a_place_with_no_responsible_unit_waits_in_the_queue(world):
    case = _accepted(world)
    assert auto_dispatch(case) is None and case.state == "accepted"
    assert list(queue(scope_of(world["dispatcher"]))) == [case]


def test_the_local_office_is_suggested_for_street_level_categories(world):
    Unit.objects.create(code="321002001", name="东关街道办事处", kind=Unit.Kind.STREET)
    case = _accepted(world)
    case.rule.unit_kind = "street"
    assert [s.unit.code for s in suggestions(case)] == ["321002001"]


def test_accepting_a_case_with_an_unambiguous_unit_dispatches_it(world):
    Responsibility.objects.create(category_code="C0101", region=Region.objects.get(code="321002001"), unit=world["cgj"])
    case = _accepted(world)
    assert case.state == "dispatched" and case.unit == world["cgj"]
    assert list(case.transitions.values_list("action", "role")) == [
        ("report", ""), ("accept", "operator"), ("dispatch", "system")]
