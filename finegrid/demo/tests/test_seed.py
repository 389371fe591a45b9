"""The demo district in a real database: built once for this module (it takes seconds), then
checked for what a user of the demo relies on, and for idempotency."""

import pytest
from django.core.management import call_command

from finegrid.demo.seed import seed_demo
from finegrid.grid.gazetteer import Gazetteer
from finegrid.grid.locate import current_index, locate
from finegrid.grid.models import Grid, MicroGrid, Place, Region
from finegrid.org.models import Role, RoleAssignment, Unit
from finegrid.org.scopes import scope_of

LANDMARK_STREETS = {  # the landmarks with real coordinates, and the street each lies in
    (119.4425, 32.4005): "东关街道",  # 个园
    (119.4410, 32.3950): "东关街道",  # 琼花观
    (119.4278, 32.3965): "汶河街道",  # 四望亭
    (119.4450, 32.3810): "文峰街道",  # 文峰塔
}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, built):
    with django_db_blocker.unblock():
        created = seed_demo(layout=built[0])  # the layout tests' build (demo/tests/conftest.py)
        yield created
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def seeded(demo, db):
    return demo


def test_demo_has_the_real_streets_and_communities(seeded):
    assert Region.objects.filter(level__in=["street", "town"]).count() == 12
    assert Region.objects.filter(level__in=["community", "village"]).count() == 151
    assert Region.objects.get(code="321002001001").name == "琼花观社区"


def test_demo_has_about_1500_grids_each_with_micro_grids(seeded):
    assert 1400 <= Grid.objects.count() <= 1600
    assert MicroGrid.objects.count() >= 10 * Grid.objects.count()
    assert not Grid.objects.filter(microgrids=None).exists()


def test_landmarks_are_located_in_their_real_street(seeded):
    for (lon, lat), street in LANDMARK_STREETS.items():
        assert locate(lon, lat).street == street


def test_every_grid_has_its_own_grid_worker(seeded):
    workers = RoleAssignment.objects.filter(role=Role.GRID_WORKER)
    assert workers.count() == Grid.objects.count()
    worker = workers.get(user__username="gw321002001001001").user
    assert list(scope_of(worker).grids().values_list("code", flat=True)) == ["321002001001001"]


def test_district_departments_and_offices_exist(seeded):
    names = set(Unit.objects.values_list("short_name", flat=True))
    assert {"住建局", "城管局", "应急管理局", "人社局", "教育局", "卫健委", "民政局", "生态环境分局",
            "市场监管局", "公安分局", "信访局", "投资促进局", "发改委", "国资办"} <= names
    assert Unit.objects.filter(kind=Unit.Kind.STREET).count() == 12
    assert Unit.objects.get(code="321002001001").parent.code == "321002001"


def test_every_role_has_someone(seeded):
    assert set(Role.values) - {Role.RESIDENT} <= set(RoleAssignment.objects.values_list("role", flat=True))


def test_gazetteer_finds_landmarks_roads_and_compounds(seeded):
    gazetteer, index = Gazetteer(), current_index()
    assert gazetteer.resolve("个园门口路灯不亮", index).street == "东关街道"
    compound = Place.objects.filter(kind="compound").first()
    assert gazetteer.resolve(f"{compound.name}小区门口垃圾满溢", index).grid_code


def test_seeding_again_creates_nothing(seeded):
    counts = [model.objects.count() for model in (Region, Grid, MicroGrid, Place, Unit, RoleAssignment)]
    assert not any(seed_demo().values())
    assert counts == [model.objects.count() for model in (Region, Grid, MicroGrid, Place, Unit, RoleAssignment)]


def test_the_work_report_is_issued_reported_on_and_flagged_by_the_engine(seeded):
    from finegrid.tasks.models import KeyTask, KeyTaskTransition, Problem

    tasks = KeyTask.objects.filter(document__title__contains="2026年政府工作报告")
    assert tasks.count() > 100 and not tasks.filter(state=KeyTask.State.DRAFT).exists()
    assert tasks.filter(branch=False, report_count__gte=8).count() > 50  # a year of monthly reports
    # Colours come from the daily pass (a `warn` transition by the system), never set by hand.
    flagged = tasks.filter(alarm__in=("yellow", "red"))
    assert tasks.filter(alarm="red").exists() and tasks.filter(alarm="yellow").exists()
    warned = set(KeyTaskTransition.objects.filter(action="warn", actor=None).values_list("task", flat=True))
    assert set(flagged.values_list("pk", flat=True)) <= warned
    assert set(Problem.objects.values_list("state", flat=True)) == {"open", "closed"}
