"""The resident, patrol and tracked-report maps in a real browser, against a local tile server
(grid/tests/tileserver.py): the resident's pin on an approved base map with no grid or street
shapes drawn, zoomable, moved by the address search, asking which place is meant when the pin is
outside; converted back to WGS-84 from a tap on GCJ-02 tiles; the offline sketch labelled a
sketch; the worker's own position on the patrol map (a faked GPS); the tracked report's pin."""

from pathlib import Path

import pytest
from django.urls import reverse

from finegrid.cases.models import Case
from finegrid.conftest import PASSWORD, needs_chromium
from finegrid.grid import coords
from finegrid.grid.tests.tileserver import TileServer
from finegrid.intake.intake import Submission, intake

from .conftest import GRID_A, OUTSIDE

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"

pytestmark = [needs_chromium,
              pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def tiles():
    with TileServer() as server:
        yield server


@pytest.fixture
def phone(browser):
    contexts = []

    def open_page(at=None, width=390, height=844):
        context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN",
                                      geolocation={"longitude": at[0], "latitude": at[1]} if at else None,
                                      permissions=["geolocation"] if at else [])
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def approved(settings, tiles, crs="wgs84", approval="测试审图号 GS(2099)0001号"):
    settings.FINEGRID_BASEMAP = {"kind": "xyz", "url": tiles.url + "/xyz/{z}/{x}/{y}.png", "crs": crs,
                                 "attribution": "测试底图", "approval": approval, "max_zoom": "19"}


def _until(page, script: str, timeout_ms: int = 10_000):
    for _ in range(timeout_ms // 50):
        if page.evaluate(script):
            return
        page.wait_for_timeout(50)
    raise AssertionError(script)


def _form_point(page) -> tuple[float, float]:
    return float(page.input_value("#lon")), float(page.input_value("#lat"))


def test_the_resident_pins_a_place_by_its_address_on_the_approved_map(catalogue, phone, live_server, settings, tiles):
    approved(settings, tiles)
    page = phone(at=OUTSIDE)
    page.goto(live_server.url + reverse("intake-report"))
    _until(page, "document.querySelectorAll('#pin-base-map .leaflet-tile-loaded').length > 0")
    assert page.locator("svg.map").count() == 0
    assert page.locator("#pin-base-map .leaflet-overlay-pane path").count() == 0  # no generated boundary for the public
    assert "GS(2099)0001号" in page.locator(".leaflet-control-attribution").inner_text()
    zoom = page.evaluate("finegridResidentMap.getZoom()")
    page.locator(".leaflet-control-zoom-in").click()
    _until(page, f"finegridResidentMap.getZoom() > {zoom}")

    page.fill("#address", "个园")
    page.click("#find-place")
    _until(page, "document.getElementById('lon').value !== ''")
    assert coords.metres_between(_form_point(page), GRID_A) < 1
    assert page.locator("#pin-base-map .leaflet-marker-icon").count() == 1
    assert page.locator(".map-label", has_text="个园").count() == 1

    # "Use my location" puts the pin outside the district: the page asks, offering 个园, and moves there.
    page.click("#here")
    _until(page, "document.querySelectorAll('#place-choices button').length === 1")
    assert coords.metres_between(_form_point(page), OUTSIDE) < 1
    assert "以外" in page.inner_text("#where-note") or "outside" in page.inner_text("#where-note")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "resident-map-asks.png"), full_page=False)
    page.click("#place-choices button")
    assert coords.metres_between(_form_point(page), GRID_A) < 1


def test_a_tap_on_gcj02_tiles_is_stored_in_wgs84(catalogue, phone, live_server, settings, tiles):
    approved(settings, tiles, crs="gcj02")
    page = phone()
    page.goto(live_server.url + reverse("intake-report"))
    _until(page, "document.querySelectorAll('#pin-base-map .leaflet-tile-loaded').length > 0")
    page.fill("#address", "个园")
    page.click("#find-place")
    _until(page, "document.getElementById('lon').value !== ''")
    shown = page.evaluate("(() => { const m = []; finegridResidentMap.eachLayer(l => l.getLatLng && m.push(l.getLatLng())); return [m[0].lng, m[0].lat]; })()")
    assert coords.metres_between(shown, coords.from_wgs84(*GRID_A, coords.GCJ02)) < 0.5  # drawn where 高德 has it
    assert coords.metres_between(_form_point(page), GRID_A) < 1  # kept as WGS-84
    page.wait_for_timeout(600)  # the pan to the pin ends
    box = page.locator("#pin-base-map").bounding_box()
    tapped = page.evaluate(f"(() => {{ const p = finegridResidentMap.containerPointToLatLng([{box['width'] * 0.3}, {box['height'] * 0.6}]); return [p.lng, p.lat]; }})()")
    page.mouse.click(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.6)
    _until(page, f"Math.abs(document.getElementById('lon').value - {GRID_A[0]}) > 1e-5")
    assert coords.metres_between(_form_point(page), coords.to_wgs84(*tapped, coords.GCJ02)) < 1.5


def test_without_an_approved_map_the_sketch_is_labelled_and_the_search_still_moves_the_pin(
        catalogue, phone, live_server, settings, tiles):
    approved(settings, tiles, approval="")
    page = phone()
    page.goto(live_server.url + reverse("intake-report"))
    assert page.locator("svg#pin-map").count() == 1 and page.locator(".leaflet-container").count() == 0
    assert page.locator(".map-note").first.inner_text()
    page.fill("#address", "个园")
    page.click("#find-place")
    _until(page, "document.getElementById('pin').getAttribute('visibility') === 'visible'")
    assert coords.metres_between(_form_point(page), GRID_A) < 1


def _sign_in(page, live_server, username):
    page.goto(live_server.url + reverse("login"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


@pytest.mark.parametrize("tiled", [True, False])
def test_the_patrol_map_shows_the_workers_own_position(catalogue, phone, live_server, settings, tiles, tiled):
    if tiled:
        approved(settings, tiles, crs="gcj02", approval="")  # a staff page: any configured map
    else:
        settings.FINEGRID_BASEMAP = {"kind": "xyz", "url": ""}
    here = (GRID_A[0] + 0.001, GRID_A[1] - 0.002)
    page = phone(at=here)
    _sign_in(page, live_server, "worker_a")
    page.goto(live_server.url + reverse("intake-patrol"))
    if tiled:
        _until(page, "!!document.getElementById('patrol-base-map').dataset.me")
        shown = [float(v) for v in page.get_attribute("#patrol-base-map", "data-me").split(",")]
        assert coords.metres_between(shown, coords.from_wgs84(*here, coords.GCJ02)) < 1
        assert page.locator(".me-mark").count() == 1
        assert page.locator("#patrol-base-map .leaflet-overlay-pane path.leaflet-interactive").count() == 3  # my grid and its micro-grids
    else:
        _until(page, "document.getElementById('me').getAttribute('visibility') === 'visible'")
        sketch = page.locator("#patrol-sketch")
        minx, maxy = float(sketch.get_attribute("data-minx")), float(sketch.get_attribute("data-maxy"))
        kx, scale = float(sketch.get_attribute("data-kx")), float(sketch.get_attribute("data-scale"))
        assert float(page.get_attribute("#me", "cx")) == pytest.approx((here[0] - minx) * kx * scale, abs=0.1)
        assert float(page.get_attribute("#me", "cy")) == pytest.approx((maxy - here[1]) * scale, abs=0.1)


def test_the_tracked_report_shows_its_pin_on_the_approved_map(catalogue, phone, live_server, settings, tiles):
    approved(settings, tiles)
    taken = intake(Submission(channel="web", description="个园门口井盖没了", category_code="C0101", address="个园门口",
                              reporter_phone="13800001234", answers={"depth": "5"}))
    case = Case.objects.get(pk=taken.case.pk)
    assert case.lon is None  # placed by its address only
    page = phone()
    page.goto(live_server.url + reverse("intake-track"))
    page.fill("#ticket", case.ticket)
    page.fill("#phone", "13800001234")
    page.click("button[type=submit]")
    page.wait_for_selector("#track-map[data-ready]")
    assert page.locator("#track-map .leaflet-marker-icon").count() == 1
    assert page.locator("#track-map .leaflet-overlay-pane path").count() == 0
