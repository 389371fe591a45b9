"""The demo's year of disputes: every field and street, lived through the machine, replayable,
some closed with 三到位, some referred, some reopened, some past their month; made once."""

from collections import Counter
from datetime import UTC, datetime

import pytest

from finegrid.disputes.engine import DISPUTES
from finegrid.disputes.models import Dispute, DisputeTransition, Field
from finegrid.demo.disputes import seed_disputes
from finegrid.demo.staff import create_staff

END = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)


@pytest.fixture
def seeded(tiny):
    create_staff()
    return seed_disputes(END, count=80)


def test_a_year_of_disputes_across_fields_and_streets(seeded):
    disputes = Dispute.objects.all()
    assert seeded == disputes.count() == 82  # the year's 80 and the login grid worker's two of this week
    assert set(disputes.values_list("field", flat=True)) == set(Field.values)
    assert {d.area_code[:9] for d in disputes} == {"321002001", "321002002"}
    states = Counter(disputes.values_list("state", flat=True))
    assert states["closed"] > 30 and states["referred"] > 2 and states["mediating"] + states["registered"] > 0
    closed = disputes.filter(state="closed")
    assert not closed.filter(problem_solved="").exists() and not closed.filter(help_given="").exists()
    assert disputes.filter(reopen_count__gt=0).exists()
    assert DisputeTransition.objects.filter(action="escalate").exists()  # some ran past their month
    for dispute in disputes.order_by("?")[:30]:
        rows = list(dispute.transitions.order_by("seq"))
        assert not DISPUTES.disagreements(dispute, rows)
        assert [r.at for r in rows] == sorted(r.at for r in rows)


def test_seeding_again_adds_nothing(seeded):
    first = list(Dispute.objects.order_by("pk").values_list("title", "state", "area_code"))
    assert seed_disputes(END) == 0 and Dispute.objects.count() == 82
    assert list(Dispute.objects.order_by("pk").values_list("title", "state", "area_code")) == first


def test_the_login_grid_worker_has_open_disputes_on_the_phone_desk(seeded):
    from django.contrib.auth import get_user_model
    from django.test import Client

    from finegrid.demo.disputes import LOGIN_GRID

    worker = get_user_model().objects.get(username=f"gw{LOGIN_GRID}")
    from django.utils import translation

    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(worker)
    with translation.override("en"):  # the request's language does not outlive the test
        page = client.get("/disputes/").content.decode()
    assert "楼上漏水致楼下受损" in page and "楼道堆物占道" in page
