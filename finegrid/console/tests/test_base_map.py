"""The command centre's map on a configured base map, in a real browser against a local tile
server (grid/tests/tileserver.py, Pillow tiles, nothing from outside): tiles drawn, the areas of
the zoom's level as overlays with labels that never overlap, cases (one located by text only)
and sensor sites as markers, overlays shifted onto GCJ-02 tiles, 天地图's WMTS with its key, and
the overlays' GeoJSON narrowed to the viewer's scope. Without tiles the server-drawn map stays."""

import json

import pytest
from django.urls import reverse
from shapely.geometry import Point

from finegrid.cases.reporting import open_case
from finegrid.conftest import GRID_A, STREET_A, needs_chromium
from finegrid.grid import coords
from finegrid.grid.models import Grid, Place
from finegrid.grid.tests.tileserver import TileServer
from finegrid.sensing.tests.factories import make_site

from .test_browser import ARTIFACTS, open_as  # noqa: F401 — fixtures

DOCS = ARTIFACTS.parent / "docs"
browser_only = needs_chromium


@pytest.fixture(scope="module")
def tiles():
    with TileServer() as server:
        yield server


def xyz(settings, tiles, crs="wgs84", **more):
    settings.FINEGRID_BASEMAP = {"kind": "xyz", "url": tiles.url + "/xyz/{z}/{x}/{y}.png", "crs": crs,
                                 "attribution": "测试底图", "approval": "", "max_zoom": "19", **more}


@pytest.fixture
def mapped(world):
    """Two open cases with a GPS point, one placed by its address alone (个园), a sensor site."""
    Place.objects.create(name="个园", kind="landmark", geometry=Point(119.4072, 32.4151), lon=119.4072, lat=32.4151,
                         street_codes=[STREET_A])
    gps = [open_case(channel="web", title=f"路灯不亮{i}", lon=119.4025 + i * 0.004, lat=32.4125, category_code="C0101")
           for i in range(2)]
    by_text = open_case(channel="hotline", title="个园门口垃圾", address="个园门口", area_code=GRID_A, category_code="C0101")
    make_site("gs1", lon=119.4125, lat=32.4175)
    return {**world, "gps": gps, "by_text": by_text}


def _labels_overlap(page) -> list:
    return page.evaluate("""() => {
        const boxes = [...document.querySelectorAll('.map-label')].filter(e => e.style.visibility !== 'hidden')
          .map(e => e.getBoundingClientRect());
        const hits = [];
        boxes.forEach((a, i) => boxes.slice(i + 1).forEach(b => {
          if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) hits.push([a.x, b.x]);
        }));
        return hits;
    }""")


def _until(page, script: str, timeout_ms: int = 10_000):
    """Poll `script` until it is true (wait_for_function evaluates a string, which the CSP forbids)."""
    for _ in range(timeout_ms // 50):
        if page.evaluate(script):
            return
        page.wait_for_timeout(50)
    raise AssertionError(script)


def _settle(page):
    page.wait_for_selector("#base-map[data-ready]")
    _until(page, "document.querySelectorAll('#base-map .leaflet-tile-loaded').length > 0")
    page.wait_for_timeout(300)  # the debounced moveend refresh


@browser_only
@pytest.mark.django_db(transaction=True)
def test_the_command_map_pans_and_zooms_on_the_district_tiles(mapped, open_as, live_server, settings, tiles):
    xyz(settings, tiles)
    page = open_as("operator", width=1600, height=1000)
    response = page.goto(live_server.url + reverse("console:command"))
    assert tiles.url in response.headers["content-security-policy"]
    _settle(page)
    assert page.locator("svg.map").count() == 0  # no server-drawn map under the tiles
    assert tiles.tiles_served() > 0
    assert "测试底图" in page.locator(".leaflet-control-attribution").inner_text()
    assert page.locator("#base-map .leaflet-areas-pane path").count() in (2, 8)  # the streets, communities or grids the fit shows
    assert page.locator("#base-map").get_attribute("data-sites") == "1"

    page.evaluate("finegridCommandMap.setView([32.412, 119.409], 16)")
    _until(page, "document.querySelectorAll('#base-map .leaflet-areas-pane path').length === 8")
    _settle(page)
    assert page.locator(".map-label").count() >= 4  # grid names from zoom 15.5 on
    assert _labels_overlap(page) == []
    titles = page.locator("#base-map .leaflet-marker-icon").evaluate_all("els => els.map(e => e.title)")
    assert mapped["by_text"].ticket in titles  # the case located by its address has its marker
    assert all(c.ticket in titles for c in mapped["gps"])
    assert page.locator(".map-label", has_text="东关社区").count() == 0  # the level above's names went with it

    # Zoomed out to the whole district, the many grid names would collide: none does.
    page.evaluate("finegridCommandMap.setView([32.41, 119.42], 15.5)")
    page.wait_for_timeout(400)
    _settle(page)
    assert _labels_overlap(page) == []
    page.evaluate("finegridCommandMap.setView([32.4151, 119.4072], 18)")
    page.wait_for_timeout(400)
    _settle(page)
    page.locator(f"#base-map .leaflet-marker-icon[title='{mapped['by_text'].ticket}']").click()
    page.wait_for_url(f"**{reverse('console:case', args=[mapped['by_text'].ticket])}")
    # Its case page: the marker at 个园, on the tiles, saying it was placed by the address.
    page.wait_for_selector("#case-map[data-ready]")
    assert page.locator("#case-map path.case-pin.place").count() == 1
    assert "个园门口" in page.locator(".map-note").first.inner_text()


@browser_only
@pytest.mark.django_db(transaction=True)
def test_the_readme_screenshot_of_the_base_map(mapped, open_as, live_server, settings, tiles):
    """docs/base-map.png: the whole tiny district at grid level, on the local tiles."""
    xyz(settings, tiles)
    page = open_as("operator", width=1920, height=1080)
    page.goto(live_server.url + reverse("console:command"))
    _settle(page)
    page.evaluate("finegridCommandMap.setView([32.41, 119.42], 14.5)")
    page.wait_for_timeout(400)
    _settle(page)
    assert page.locator("#base-map .leaflet-areas-pane path").count() == 8
    assert _labels_overlap(page) == []
    DOCS.mkdir(exist_ok=True)
    page.locator("#base-map").screenshot(path=str(DOCS / "base-map.png"))


@browser_only
@pytest.mark.django_db(transaction=True)
def test_tianditu_is_asked_for_with_its_key_and_the_javascript_converts_as_python_does(
        mapped, open_as, live_server, settings, tiles):
    settings.FINEGRID_BASEMAP = {"kind": "tianditu", "key": "test-tk-123", "url": tiles.url + "/wmts",
                                 "crs": "wgs84", "max_zoom": "18"}
    before = len(tiles.requests)
    page = open_as("operator", width=1200, height=900)
    page.goto(live_server.url + reverse("console:command"))
    _settle(page)
    asked = [query for path, query in tiles.requests[before:] if path == "/wmts"]
    assert asked and all(q["tk"] == "test-tk-123" and q["LAYER"] == "vec" and q["TILEMATRIXSET"] == "w" for q in asked)
    assert "天地图" in page.locator(".leaflet-control-attribution").inner_text()
    for system in coords.SYSTEMS:
        for point in [(119.4337, 32.3942), (116.404, 39.915), (121.5272106, 31.1774276)]:
            js = page.evaluate(f"finegridMaps.fromWgs84({point[0]}, {point[1]}, '{system}')")
            assert coords.metres_between(js, coords.from_wgs84(*point, system)) < 0.001
            back = page.evaluate(f"finegridMaps.toWgs84({js[0]}, {js[1]}, '{system}')")
            assert coords.metres_between(back, point) < 0.5


@pytest.mark.django_db
def test_the_overlays_are_the_viewers_scope_and_shifted_onto_gcj02_tiles(mapped, client, settings, tiles):
    xyz(settings, tiles, crs="gcj02")
    client.force_login(mapped["street_sup"])  # a supervisor of street 001
    grids = client.get(reverse("console:map_areas"), {"level": "grid"}).json()["features"]
    assert {f["properties"]["code"][:9] for f in grids} == {STREET_A}
    assert len(grids) == 4
    first = next(f for f in grids if f["properties"]["code"] == GRID_A)
    corner = min(tuple(p) for p in first["geometry"]["coordinates"][0])
    west, south = Grid.objects.get(code=GRID_A).geometry.bounds[:2]
    assert coords.metres_between(corner, coords.from_wgs84(west, south, coords.GCJ02)) < 0.5
    assert coords.metres_between(corner, (west, south)) > 200  # really moved: GCJ-02 is hundreds of metres off
    sites = client.get(reverse("console:map_sites")).json()["features"]
    assert [s["properties"]["code"] for s in sites] == ["gs1"]
    found = client.get(reverse("console:map_cases"), {"bbox": "119,32,120,33", "zoom": "18"}).json()["features"]
    tickets = {f["properties"].get("ticket") for f in found}
    assert mapped["by_text"].ticket in tickets
    # 个园's point, shifted like everything else
    spot = next(f for f in found if f["properties"].get("ticket") == mapped["by_text"].ticket)["geometry"]["coordinates"]
    assert coords.metres_between(spot, coords.from_wgs84(119.4072, 32.4151, coords.GCJ02)) < 0.5

    client.force_login(mapped["worker_b"])  # a grid worker holds no command desk
    assert client.get(reverse("console:map_areas"), {"level": "grid"}).status_code == 404


@pytest.mark.django_db
def test_without_tiles_the_server_drawn_map_stays(mapped, client, settings):
    settings.FINEGRID_BASEMAP = {"kind": "xyz", "url": ""}
    client.force_login(mapped["operator"])
    page = client.get(reverse("console:command")).content.decode()
    assert '<svg class="map"' in page and "base-map" not in page and "leaflet" not in page
    assert json.loads(client.get(reverse("console:map_sites")).content)["type"] == "FeatureCollection"


@pytest.mark.django_db
def test_a_case_located_by_text_has_its_marker_at_the_place_it_names(mapped, client, settings, tiles):
    settings.FINEGRID_BASEMAP = {"kind": "xyz", "url": ""}
    client.force_login(mapped["operator"])
    case = mapped["by_text"]
    page = client.get(reverse("console:case", args=[case.ticket])).content.decode()
    assert '<circle class="pin"' in page
    drawn = client.get(reverse("console:case", args=[case.ticket])).context["map"]
    assert drawn["pin"]["how"] == "place" and (drawn["pin"]["lon"], drawn["pin"]["lat"]) == (119.4072, 32.4151)
    # The offline command map's grid level has its bubble too.
    grid_map = client.get(reverse("console:map"), {"area": GRID_A}).context["map"]
    assert any(b["href"].endswith(f"/{case.ticket}/") for b in grid_map["bubbles"])

    xyz(settings, tiles, crs="bd09")
    base = client.get(reverse("console:case", args=[case.ticket])).context["map"]["base"]
    assert coords.metres_between(base["pin"]["at"], coords.from_wgs84(119.4072, 32.4151, coords.BD09)) < 0.5
    assert base["areas"]["features"] and "tiles" in base["basemap"]
