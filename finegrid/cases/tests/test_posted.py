"""A posted form becomes one machine step the same way in every app (cases/posted.py)."""

import pytest
from django.http import QueryDict
from django.test import RequestFactory

from finegrid.cases.machine import Action, Conflict, Input, TransitionError
from finegrid.cases.models import Case
from finegrid.cases.posted import read_posted, take_posted
from finegrid.cases.reporting import open_case
from finegrid.cases.workflow import CASES, perform

STEP = Action("note", "note", frozenset({"collected"}), None, frozenset({"operator"}),
              inputs=(Input("unit", "unit"), Input("days", "int", label="天数"), Input("agreed", "bool"),
                      Input("done", "list"), Input("summary")))


def _post(**given) -> QueryDict:
    post = QueryDict(mutable=True)
    for name, value in given.items():
        post.setlist(name, value if isinstance(value, list) else [value])
    return post


def test_each_input_is_read_by_its_kind(world):
    posted = read_posted(STEP, _post(unit="cgj", days="12", agreed="on", done=["0", "", "2"], summary="  调解一次 ",
                                     reason="理由", version="3", stranger="ignored"))
    assert posted.unit.code == "cgj" and posted.reason == "理由" and posted.version == 3
    assert posted.data == {"days": 12, "agreed": True, "done": ["0", "2"], "summary": "调解一次"}


def test_empty_text_is_left_to_the_machine_and_an_unchecked_box_is_false(world):
    posted = read_posted(STEP, _post(summary="   "))
    assert posted.data == {"agreed": False, "done": []} and posted.unit is None and posted.version is None


def test_a_bad_number_or_an_unknown_unit_is_refused_by_name(world):
    with pytest.raises(TransitionError, match="天数"):
        read_posted(STEP, _post(days="twelve"))
    with pytest.raises(TransitionError, match="nosuch"):
        read_posted(STEP, _post(unit="nosuch"))


def test_a_page_that_showed_an_older_version_is_refused_and_nothing_changes(world):
    case = open_case(channel="web", title="井盖缺失", category_code="C0101", lon=119.405, lat=32.415)
    shown = case.version
    perform(case, "accept", world["operator"])
    request = RequestFactory().post("/", {"version": shown, "unit": "cgj"})
    request.user = world["operator"]
    fresh = Case.objects.get(pk=case.pk)
    with pytest.raises(Conflict):
        take_posted(CASES, fresh, CASES.actions["dispatch"], request)
    assert Case.objects.get(pk=case.pk).state == Case.State.ACCEPTED
    current = Case.objects.get(pk=case.pk)
    request = RequestFactory().post("/", {"version": current.version, "unit": "cgj"})
    request.user = world["operator"]
    take_posted(CASES, current, CASES.actions["dispatch"], request)
    assert Case.objects.get(pk=case.pk).state == Case.State.DISPATCHED
