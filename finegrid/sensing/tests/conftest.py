import pytest

from finegrid.cases.catalogue import load_catalogue
from finegrid.org.models import Unit
from finegrid.sensing.engine import Engine, reset_default_engine
from finegrid.sensing.models import Site

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


@pytest.fixture
def district(station, people):
    """The catalogue, the site's responsible unit (the gas utility) and the grid's worker."""
    load_catalogue()
    gas = Unit.objects.create(code="gas", name="燃气服务中心", kind=Unit.Kind.PROPERTY)
    Site.objects.filter(pk=station["site"].pk).update(unit=gas)
    return {**station, **people, "gas": gas}
