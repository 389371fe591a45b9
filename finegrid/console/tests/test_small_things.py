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


def test_the_compare_page_merges_the_newer_report_into_the_older(client, world):
    """Seen: the side-by-side compare offered to merge the older case into the newer one (from the
    case page's "compare" link, which puts the other case first): the older keeps the first report."""
    from finegrid.cases.reporting import open_case

    older = open_case(channel="web", title="井盖缺失", category_code="C0101", lon=119.405, lat=32.415)
    newer = open_case(channel="web", title="井盖又丢了", category_code="C0101", lon=119.406, lat=32.416)
    client.force_login(world["operator"])
    page = client.get(reverse("console:merge"), {"a": older.ticket, "b": newer.ticket}).content.decode()
    assert f'name="a" value="{newer.ticket}"' in page and f'name="b" value="{older.ticket}"' in page
    swapped = client.get(reverse("console:merge"), {"a": older.ticket, "b": newer.ticket, "as_given": 1}).content.decode()
    assert f'name="a" value="{older.ticket}"' in swapped


def test_the_history_names_the_channel_that_reported_a_case(client, world):
    """Seen: "hotline: 上报" — the channel's code as the actor of the first line."""
    from finegrid.cases.reporting import open_case

    case = open_case(channel="hotline", title="路灯不亮", category_code="C0101", lon=119.405, lat=32.415)
    client.force_login(world["operator"])
    page = client.get(reverse("console:case", args=[case.ticket])).content.decode()
    history = page.split('class="timeline"', 1)[1].split("</ol>", 1)[0]
    assert "hotline" not in history and "热线" in history


def test_a_desk_the_user_may_not_open_answers_with_the_consoles_own_page(client, world):
    """Seen: a bare "Not Found" page in English on the desks."""
    client.force_login(world["worker_a"])
    response = client.get(reverse("console:overview"))
    page = response.content.decode()
    assert response.status_code == 404 and "页面不存在" in page and reverse("console:home") in page
    client.force_login(world["worker_a"])
    response = client.get(reverse("insight:hot-issues"))  # PermissionDenied
    assert response.status_code == 403 and "您无权进行此操作" in response.content.decode()
