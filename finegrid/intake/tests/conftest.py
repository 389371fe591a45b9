"""Intake fixtures: the tiny district with a catalogue of three categories and their questions."""

import pytest
from django.test import Client
from django.utils import translation
from shapely.geometry import Point

from finegrid.cases.tests.factories import make_category
from finegrid.grid.models import Place
from finegrid.intake.models import Question

GRID_A = (119.4075, 32.4150)  # 321002001001001 (micro-grid …001), street 001
GRID_B = (119.4275, 32.4150)  # 321002002001001, street 002
OUTSIDE = (119.30, 32.30)  # west of the district


@pytest.fixture(autouse=True)
def english():
    """Tests read the English words; test_chinese_is_the_default checks the Chinese ones."""
    with translation.override("en"):
        yield


@pytest.fixture
def client():
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def catalogue(people):
    """C0101 (accepted at once, 4 working hours), E0101 (needs 核实 first: Open311 'batch'),
    H0101 (a hotline topic), each public; C0101 asks one question of every datatype."""
    manhole = make_category("C0101", "上水井盖")
    rubbish = make_category("E0101", "暴露垃圾", verify=True, domain="event")
    hotline = make_category("H0101", "供水", domain="hotline")
    questions = [
        ("depth", "number", "How deep is the hole (cm)?", True, []),
        ("note", "string", "Anything else?", False, []),
        ("seen_at", "datetime", "When did you see it?", False, []),
        ("story", "text", "What happened?", False, []),
        ("cover", "singlevaluelist", "Is the cover there?", False, [{"key": "gone", "name": "缺失"}, {"key": "broken", "name": "破损"}]),
        ("risks", "multivaluelist", "Who is at risk?", False, [{"key": "cars", "name": "车辆"}, {"key": "people", "name": "行人"}]),
    ]
    for order, (code, datatype, text, required, values) in enumerate(questions, start=1):
        Question.objects.create(category=manhole, code=code, datatype=datatype, description=text, required=required,
                                order=order, values=values)
    Question.objects.create(category=manhole, code="safety", datatype="string", variable=False, order=9,
                            description="Keep away from the hole.")
    Place.objects.create(name="个园", kind="landmark", geometry=Point(*GRID_A), lon=GRID_A[0], lat=GRID_A[1],
                         street_codes=["321002001"])
    return {**people, "manhole": manhole, "rubbish": rubbish, "hotline": hotline}


@pytest.fixture(autouse=True)
def fresh_caches():
    """Each test builds its own catalogue, grids and keys: the per-process caches start empty."""
    from finegrid.intake import inbox, keys
    from finegrid.intake.open311 import catalogue

    catalogue.forget()
    keys.forget()
    inbox.grid_index.forget()
    yield


@pytest.fixture(scope="session")
def label_model_file(tmp_path_factory):
    """A small label model, trained once for the whole run (the day-one seed model takes ~40 s)."""
    from finegrid.insight.corpus import generate
    from finegrid.insight.model import LabelModel

    folder = tmp_path_factory.mktemp("insight-models")
    model = LabelModel().fit(generate(3000, seed=1))
    return folder, model


@pytest.fixture(autouse=True)
def label_model(settings, label_model_file):
    """Intake classifies reports that come without a category: every test reads the one small model."""
    from finegrid.insight import store

    folder, model = label_model_file
    settings.FINEGRID_INSIGHT_MODELS = str(folder)
    if store.registry()["active"] is None:
        store.save(model, "test")
    from finegrid.intake import classify

    classify._other_leaves.forget()
    return model
