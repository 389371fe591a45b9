"""The demo organisation the decomposer suggests lead units from: every department, party organ
and street office has its duties, the party organs a district has exist, and seeding twice
changes nothing."""

import pytest

from finegrid.demo.staff import PARTY_ORGANS, create_staff, demo_duties
from finegrid.org.models import Unit
from finegrid.tasks.decompose import decompose


@pytest.fixture
def organisation(tiny):
    create_staff()
    return Unit.objects.exclude(kind=Unit.Kind.COMMUNITY)


def test_every_unit_that_can_lead_has_its_duties(organisation):
    assert organisation.filter(duties="").count() == 0
    party = set(organisation.filter(kind=Unit.Kind.PARTY).values_list("short_name", flat=True))
    assert {"区委办", "督查室", "组织部", "宣传部", "政法委", "纪委监委", "统战部"} <= party
    assert Unit.objects.get(code="dcs").parent.code == "qwb"  # the 督查室 sits in the 区委办
    assert {"工信局", "科技局", "退役军人事务局", "统计局", "审计局"} <= set(organisation.values_list("short_name", flat=True))
    assert set(demo_duties()) >= {code for code, _, _ in PARTY_ORGANS}


def test_seeding_twice_changes_nothing(organisation):
    before = list(Unit.objects.order_by("code").values_list("code", "name", "kind", "duties", "parent__code"))
    create_staff()
    assert list(Unit.objects.order_by("code").values_list("code", "name", "kind", "duties", "parent__code")) == before


def test_the_units_of_the_database_lead_the_tasks_their_duties_describe(organisation):
    text = "一、强化作风建设\n一是贯彻中央八项规定精神，纠治“四风”。二是开展序时进度督查督办，跟踪重点工作落实。"
    outline = decompose(text, units=organisation, year=2026)
    assert [item.lead_unit for item in outline.nodes[0].children] == ["区纪委监委", "区委区政府督查室"]
