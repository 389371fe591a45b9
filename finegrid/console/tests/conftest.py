import pytest

from finegrid.cases.reporting import open_case
from finegrid.cases.tests.factories import make_category, make_user, office
from finegrid.grid.models import Region
from finegrid.org.models import Role


@pytest.fixture
def world(people):
    """The tiny district, office staff, two units, a category (C0101) and the 三员."""
    w = {**office(people), "category": make_category()}
    w["admin"] = make_user("sysadmin", Role.ADMIN)
    w["secadmin"] = make_user("secadmin", Role.SECURITY_ADMIN)
    w["auditor"] = make_user("auditor", Role.AUDITOR)
    w["street_sup"] = make_user("street_sup", Role.SUPERVISOR, region=Region.objects.get(code="321002001"))
    return w


@pytest.fixture
def case_a(world):
    """A report inside grid A (street 001), not yet accepted."""
    return open_case(channel="web", title="井盖缺失", category_code="C0101", lon=119.405, lat=32.415,
                     address="东关街 1 号", reporter_name="王五", reporter_phone="13800001234")


@pytest.fixture
def case_b(world):
    """A report inside grid B (street 002)."""
    return open_case(channel="hotline", title="路灯不亮", category_code="C0101", lon=119.425, lat=32.415)
