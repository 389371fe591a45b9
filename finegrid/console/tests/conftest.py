import pytest

from finegrid.cases.reporting import open_case


@pytest.fixture
def case_a(world):
    """A report inside grid A (street 001), not yet accepted."""
    return open_case(channel="web", title="井盖缺失", category_code="C0101", lon=119.405, lat=32.415,
                     address="东关街 1 号", reporter_name="王五", reporter_phone="13800001234")


@pytest.fixture
def case_b(world):
    """A report inside grid B (street 002)."""
    return open_case(channel="hotline", title="路灯不亮", category_code="C0101", lon=119.425, lat=32.415)
