"""The command centre's map: one hierarchy level per zoom level, the next level's outlines drawn
inside, and every marker leading somewhere (an area, a case list, a case)."""

import re

from django.urls import reverse

from finegrid.cases.reporting import open_case


def _map(client, **query) -> str:
    return client.get(reverse("console:map"), query).content.decode()


def _report(lon, lat, title="井盖缺失"):
    return open_case(channel="web", title=title, category_code="C0101", lon=lon, lat=lat)


def test_each_zoom_level_names_itself_and_outlines_the_next(client, world):
    client.force_login(world["operator"])
    district = _map(client)
    assert "街道" in re.search(r"<strong>([^<]*)</strong></span>", district).group(1)  # streets and towns
    assert district.count("<path", district.index('class="outlines"')) >= 2  # the communities inside
    grid = _map(client, area="321002001001001")
    assert '<g class="outlines" aria-hidden="true"></g>' in grid  # micro-grids: nothing further down
    assert "微网格" in grid


def test_zoom_out_goes_up_one_level(client, world):
    client.force_login(world["operator"])
    assert "data-zoom-out" not in _map(client)  # the district is the top
    community = _map(client, area="321002001001")
    link = re.search(r'data-zoom-out href="\?area=(\d+)', community)
    assert link.group(1) == "321002001"


def test_a_lone_case_marker_opens_the_case(client, world):
    case = _report(119.402, 32.415)
    client.force_login(world["operator"])
    grid = _map(client, area="321002001001001")
    assert f'class="bubble" href="{reverse("console:case", args=[case.ticket])}"' in grid


def test_a_cluster_zooms_into_its_grid_then_lists_its_micro_grid(client, world):
    first, second = _report(119.40200, 32.41500), _report(119.40202, 32.41501, "井盖又丢了")
    client.force_login(world["operator"])
    community = _map(client, area="321002001001")
    assert re.search(r'<a class="bubble" href="\?area=321002001001001&amp;measure=open"', community)
    grid = _map(client, area="321002001001001")
    listing = re.search(r'<a class="bubble" href="([^"]+)"', grid).group(1).replace("&amp;", "&")
    assert listing.startswith(reverse("console:cases") + "?area=" + first.area_code)
    page = client.get(listing).content.decode()
    assert first.ticket in page and second.ticket in page


def test_overdue_cluster_lists_overdue_cases_only(client, world):
    from finegrid.console.maps import list_query

    assert list_query("321002001", "overdue") == "area=321002001&overdue=true"
    assert "state=accepted" in list_query("321002001", "open") and "state=closed" not in list_query("321002001", "open")


def test_grid_worker_sees_only_their_grid_on_the_map(client, world):
    _report(119.402, 32.415)
    theirs = _report(119.425, 32.415, "汶河街积水")
    client.force_login(world["worker_a"])
    district = _map(client)
    assert "汶河街道" not in district
    assert theirs.ticket not in _map(client, area="321002002001001")
