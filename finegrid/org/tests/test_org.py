import pytest
from django.contrib.auth import get_user_model

from finegrid.grid.models import Grid, MicroGrid, Region
from finegrid.org.models import Person, Responsibility, Role, RoleAssignment, Unit
from finegrid.org.privacy import mask_id_number, mask_phone
from finegrid.org.responsibility import Matrix, rows_for, units_for
from finegrid.org.scopes import scope_of


def test_phone_numbers_are_masked_to_first_three_and_last_four():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("138-1234-5678") == "138****5678"
    assert mask_phone("110") == "***"
    assert mask_phone("") == ""


def test_id_numbers_keep_only_region_and_last_four():
    assert mask_id_number("32100219800101123X") == "321002********123X"
    assert mask_id_number("short") == "*****"


def test_grid_worker_sees_only_own_grid_and_its_micro_grids(people):
    scope = scope_of(people["worker_a"])
    assert list(scope.grids().values_list("code", flat=True)) == ["321002001001001"]
    assert scope.covers_code("321002001001001002")
    assert not scope.covers_code("321002001001002")
    assert scope.filter(MicroGrid.objects.all()).count() == 2


def test_street_handler_sees_the_whole_street_and_nothing_else(people):
    scope = scope_of(people["street_a"])
    assert set(scope.grids().values_list("code", flat=True)) == {f"321002001001{n:03d}" for n in range(1, 5)}
    assert not scope.covers_code(people["grid_b"].code)


def test_leader_without_an_area_sees_the_whole_district(people):
    assert scope_of(people["leader"]).whole_district
    assert scope_of(people["leader"]).grids().count() == Grid.objects.count()


def test_resident_and_anonymous_have_no_staff_scope(people, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    assert scope_of(people["resident"]).is_empty
    assert scope_of(AnonymousUser()).is_empty
    assert scope_of(people["resident"]).grids().count() == 0


def test_inactive_user_loses_scope(people):
    people["leader"].is_active = False
    assert scope_of(people["leader"]).is_empty


@pytest.fixture
def matrix(tiny):
    district = Region.objects.get(code="321002")
    street = Region.objects.get(code="321002001")
    units = {code: Unit.objects.create(code=code, name=code, kind=Unit.Kind.DEPARTMENT) for code in ["cgj", "zjj", "jd"]}
    Responsibility.objects.create(category_code="01", region=district, unit=units["cgj"])
    Responsibility.objects.create(category_code="0101", region=district, unit=units["zjj"])
    Responsibility.objects.create(category_code="01", region=street, unit=units["jd"])
    return units


def test_exact_category_beats_its_parent_category(matrix):
    assert [u.code for u in units_for("0101", "321002002001001")] == ["zjj"]


def test_street_row_beats_district_row_for_the_same_category(matrix):
    assert [u.code for u in units_for("0102", "321002001001003")] == ["jd"]
    assert [u.code for u in units_for("0102", "321002002001003")] == ["cgj"]


def test_no_row_means_no_unit_and_inactive_units_are_skipped(matrix):
    assert units_for("99", "321002001001001") == []
    Unit.objects.filter(code="jd").update(active=False)
    assert [u.code for u in units_for("0102", "321002001001003")] == ["cgj"]


def test_person_shows_a_masked_phone(people):
    person = Person.objects.create(user=people["leader"], full_name="王伟", phone="13800001234")
    assert person.masked_phone == "138****1234"


def test_a_unit_handler_without_a_region_has_no_area(tiny):
    unit = Unit.objects.create(code="cgj", name="城管局")
    user = get_user_model().objects.create_user("handler_cgj")
    RoleAssignment.objects.create(user=user, role=Role.HANDLER, unit=unit)
    assert scope_of(user).is_empty
    assert not scope_of(user).grids().exists()


def test_a_scope_filters_codes_by_range_not_by_pattern(tiny):
    user = get_user_model().objects.create_user("street_a")
    RoleAssignment.objects.create(user=user, role=Role.HANDLER, region=Region.objects.get(code="321002001"))
    codes = set(scope_of(user).grids().values_list("code", flat=True))
    assert codes and all(code.startswith("321002001") for code in codes)
    assert codes == set(Grid.objects.filter(code__startswith="321002001").values_list("code", flat=True))


def test_the_matrix_read_once_answers_as_each_query_does(matrix):
    Responsibility.objects.create(category_code="0101", region=Region.objects.get(code="321002001"),
                                  unit=matrix["cgj"], primary=False)
    Unit.objects.filter(code="jd").update(active=False)
    whole = Matrix()
    for category in ["0101", "0102", "01", "99"]:
        for area in ["321002001001003", "321002002001001", "321002001", "321002"]:
            assert whole.rows_for(category, area) == rows_for(category, area), (category, area)
