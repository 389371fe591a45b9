"""The benchmarks' tests run in the apps' own test worlds: their fixtures imported, not copied."""

import pytest

from finegrid.insight.tests.conftest import models_folder, places  # noqa: F401
from finegrid.intake.tests.conftest import catalogue, fresh_caches  # noqa: F401


@pytest.fixture(scope="session")
def small_model():
    """A small label model, trained once for the run (the day-one seed model takes ~40 s)."""
    from finegrid.insight.corpus import generate
    from finegrid.insight.model import LabelModel

    model = LabelModel().fit(generate(3000, seed=1))
    model.info["version"] = 0
    return model


@pytest.fixture
def active_small_model(models_folder, small_model):
    """The small model as the active one, so nothing builds the seed model."""
    from finegrid.insight import store
    from finegrid.intake import classify

    store.save(small_model, "test")
    classify._other_leaves.forget()
    return small_model
