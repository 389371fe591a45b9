import pytest

from finegrid.cases.tests.factories import make_category, office


@pytest.fixture
def world(people):
    """The tiny district with office staff, two units and one category (C0101, 4 工作时)."""
    return {**office(people), "category": make_category()}
