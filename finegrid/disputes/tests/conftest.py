from datetime import UTC, datetime

import pytest
from django.utils import translation

from finegrid.conftest import GRID_A, STREET_A
from finegrid.disputes.register import NewDispute, NewParty, register
from finegrid.grid.models import Region
from finegrid.org.models import Unit

T0 = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # a Monday, 10:00 in Shanghai


@pytest.fixture(autouse=True)
def in_english():
    """The refusals are read in English here (the Chinese catalogue is checked by msgfmt)."""
    with translation.override("en"):
        yield


def new_dispute(**given) -> NewDispute:
    values = {"title": "楼上漏水纠纷", "field": "neighbours", "risk": "yellow", "risk_reason": "双方多次争吵",
              "grid_code": GRID_A,
              "parties": [NewParty("张三", "applicant", "13800001111"), NewParty("李四", "respondent", "13900002222")]}
    return NewDispute(**{**values, **given})


@pytest.fixture
def committee(world):
    """东关街道's people's mediation committee (人民调解委员会)."""
    return Unit.objects.create(code="dg-tjw", name="东关街道人民调解委员会", kind=Unit.Kind.STREET,
                               region=Region.objects.get(code=STREET_A))


@pytest.fixture
def dispute(world):
    """A neighbours' dispute in grid A, registered by its grid worker at T0."""
    return register(new_dispute(), world["worker_a"], T0)
