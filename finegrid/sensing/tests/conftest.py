import pytest

from finegrid.sensing.engine import Engine, reset_default_engine

from .factories import make_device, make_site


@pytest.fixture
def engine(db):
    reset_default_engine()
    yield Engine()
    reset_default_engine()


@pytest.fixture
def station(tiny):
    """A gas station in grid 321002001001001 with a four-gas detector (CH4, CO, H2S, O2)."""
    site = make_site()
    device = make_device(site, sensors=("ch4", "co", "h2s", "o2"))
    return {"site": site, "device": device}
