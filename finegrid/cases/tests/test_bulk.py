from finegrid.cases.bulk import Report, open_many
from finegrid.cases.models import Case, Notice
from finegrid.cases.notices import fan_out
from finegrid.cases.replay import disagreements
from finegrid.cases.tests.test_workflow import TUESDAY
from finegrid.grid.models import Region
from finegrid.org.models import Responsibility


def _reports(n, **kwargs):
    base = dict(title="井盖缺失", channel="hotline", category_code="C0101", lon=119.4075, lat=32.4150)
    return [Report(**{**base, **kwargs}) for _ in range(n)]


def test_a_batch_is_located_accepted_and_dispatched_like_single_cases(world):
    Responsibility.objects.create(category_code="C01", region=Region.objects.get(code="321002"), unit=world["cgj"])
    cases = open_many(_reports(3), accept=True, now=TUESDAY)
    stored = Case.objects.filter(pk__in=[c.pk for c in cases]).order_by("pk")
    assert [c.state for c in stored] == ["dispatched"] * 3
    assert {c.area_code for c in stored} == {"321002001001001002"}
    assert all(c.ticket.startswith("260310") for c in stored)
    assert all(not disagreements(c, list(c.transitions.order_by("seq"))) for c in stored)
    assert not Notice.objects.exists()  # written by the worker's notice step, from the transition rows
    assert fan_out() == {"transitions": 9, "notices": 3}
    assert set(Notice.objects.filter(unit=world["cgj"], kind="assigned").values_list("case", flat=True)) == {
        c.pk for c in cases}


def test_unknown_categories_and_places_wait_collected(world):
    [unknown, nowhere] = open_many(_reports(1, category_code="Z99") + _reports(1, lon=0.0, lat=0.0), accept=True)
    assert unknown.state == "collected" and unknown.category is None
    assert nowhere.area_code == "" and nowhere.state == "accepted"  # accepted, waiting for a dispatcher


def test_categories_that_need_verification_are_not_accepted_in_bulk(world):
    world["category"].rules.update(verify_required=True)
    [case] = open_many(_reports(1), accept=True)
    assert case.state == "collected"
