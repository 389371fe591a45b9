"""Insight fixtures: a small label model trained once per session on the generated corpus, a
models folder of its own for each test, and a few named places in the tiny district."""

import pytest
from shapely.geometry import LineString, Point

from finegrid.grid.models import Place
from finegrid.insight.corpus import generate
from finegrid.insight.model import LabelModel


@pytest.fixture(scope="session")
def small_model():
    model = LabelModel().fit(generate(6000, seed=1))
    model.info["version"] = 0
    return model


@pytest.fixture
def models_folder(settings, tmp_path):
    settings.FINEGRID_INSIGHT_MODELS = str(tmp_path / "models")
    return tmp_path / "models"


@pytest.fixture
def places(tiny):
    """个园 (a landmark in grid 321002001001001), 东圈门 (a compound in street 002's grid 003) and
    跃进路, a road through both streets, mostly in 东关街道."""
    made = [
        Place(name="个园", kind="landmark", geometry=Point(119.405, 32.415), lon=119.405, lat=32.415,
              street_codes=["321002001"]),
        Place(name="东圈门小区", kind="compound", aliases=["东圈门"], geometry=Point(119.425, 32.405), lon=119.425,
              lat=32.405, street_codes=["321002002"]),
        Place(name="跃进路", kind="road", geometry=LineString([(119.401, 32.411), (119.439, 32.411)]), lon=119.419,
              lat=32.411, street_codes=["321002001", "321002002"]),
    ]
    return Place.objects.bulk_create(made)
