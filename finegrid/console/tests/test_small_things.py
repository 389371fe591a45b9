"""The rough edges a new user met first (issue 15, item 12), each pinned."""

import datetime

from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone

from finegrid.console.templatetags.console import when


def test_the_feed_shows_the_day_of_anything_not_from_today():
    now = timezone.localtime()
    assert when(now) == now.strftime("%H:%M")
    days_ago = now - datetime.timedelta(days=3)
    if days_ago.year == now.year:
        assert when(days_ago) == days_ago.strftime("%m-%d %H:%M")
    assert when(now.replace(year=now.year - 1)) == f"{now.year - 1}-{now:%m-%d}"
    assert when(None) == ""


def test_every_page_names_an_icon_and_favicon_ico_finds_it(client, world):
    client.force_login(world["operator"])
    page = client.get(reverse("console:cases")).content.decode()
    assert 'rel="icon"' in page
    answer = client.get("/favicon.ico")
    assert answer.status_code == 301 and answer["Location"].endswith("console/favicon.svg")
    assert finders.find("console/favicon.svg")


def test_one_meaning_of_running_on_the_overview_the_map_and_the_list(client, world):
    """在办: the overview's count, the map's areas and the list the map links to agree, and none of
    them counts a parked (挂账) or finished case (issue 15, item 5: 238 on the map, 177 on the overview)."""
    from finegrid.cases.models import Case
    from finegrid.cases.reporting import open_case
    from finegrid.console import maps

    states = ["handling", "parked", "closed", "dispatched", "collected"]
    for state in states:
        case = open_case(channel="web", title="井盖缺失", category_code="C0101", lon=119.405, lat=32.415)
        Case.objects.filter(pk=case.pk).update(state=state)
    client.force_login(world["leader"])
    overview = client.get(reverse("console:overview")).context["open"]
    on_map = sum(maps.counts_by_child(Case.objects.all(), "321002", 9, "open", timezone.now()).values())
    listed = client.get(f"{reverse('api:list_cases')}?{maps.list_query('321002', 'open')}").json()["count"]
    assert overview == on_map == listed == 3


def test_the_offices_of_the_other_apps_land_on_their_own_desk(client, world):
    """督查室, 信访 and 组织部 were told "you have no role" on signing in."""
    for who, desk in [("supervision", "tasks:desk"), ("petition_office", "petitions:desk"),
                      ("organisation", "tasks:evaluation")]:
        client.force_login(world[who])
        answer = client.get(reverse("console:home"))
        assert answer.status_code == 302 and answer["Location"] == reverse(desk), who
