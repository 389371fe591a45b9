"""Points in GCJ-02 or BD-09 (what 高德 and 百度 hand a phone app) are converted to WGS-84 where the
channel declares it — Open311's `coords`, the API's, the resident page's link — and stored as
WGS-84; the address search that moves the resident's pin; the public maps' configuration."""

import json

import pytest

from finegrid.cases.models import Case
from finegrid.grid import coords
from finegrid.intake.inbox import drain
from finegrid.intake.intake import IntakeError, Submission, intake
from finegrid.intake.keys import issue_key
from finegrid.intake.mapview import prefilled_point, resident_map

from .conftest import GRID_A, OUTSIDE

pytestmark = pytest.mark.django_db
GCJ_A = coords.from_wgs84(*GRID_A, coords.GCJ02)
BD_A = coords.from_wgs84(*GRID_A, coords.BD09)


def _close(point, to=GRID_A, metres=0.5) -> bool:
    return coords.metres_between(point, to) < metres


def test_a_point_declared_gcj02_or_bd09_is_stored_in_wgs84(catalogue):
    for system, point in [("gcj02", GCJ_A), ("BD-09", BD_A), ("", GRID_A)]:
        case = intake(Submission(channel="web", description=f"井盖没了 {system}", category_code="C0101",
                                 lon=point[0], lat=point[1], coords=system, answers={"depth": "5"})).case
        assert _close((case.lon, case.lat)), system
        assert case.grid.code == "321002001001001"


def test_an_undeclared_gcj02_point_is_taken_as_it_is_and_a_bad_system_is_refused(catalogue):
    case = intake(Submission(channel="web", description="井盖没了", category_code="C0101", lon=GCJ_A[0], lat=GCJ_A[1],
                             answers={"depth": "5"})).case
    assert not _close((case.lon, case.lat), metres=100)  # hundreds of metres off: why a channel must declare it
    with pytest.raises(IntakeError) as refused:
        intake(Submission(channel="web", description="井盖", category_code="C0101", lon=GRID_A[0], lat=GRID_A[1],
                          coords="utm", answers={"depth": "5"}))
    assert "coords" in refused.value.problems


def test_open311_takes_coords_and_stores_wgs84(client, catalogue):
    _, key = issue_key("高德地图应用")
    response = client.post("/open311/v2/requests.json", {
        "api_key": key, "service_code": "C0101", "lat": BD_A[1], "long": BD_A[0], "coords": "bd09",
        "description": "井盖没了", "attribute[depth]": "20"})
    assert response.status_code == 200, response.content
    drain()
    case = Case.objects.get(channel="open311")
    assert _close((case.lon, case.lat))


def test_the_api_takes_coords(client, catalogue):
    client.force_login(catalogue["worker_a"])
    response = client.post("/api/v1/cases", json.dumps({"title": "井盖", "channel": "patrol", "lon": GCJ_A[0],
                                                     "lat": GCJ_A[1], "coords": "gcj02", "category": "C0101",
                                                     "answers": {"depth": "3"}}), content_type="application/json")
    assert response.status_code in (200, 201), response.content
    case = Case.objects.get(title="井盖")
    assert _close((case.lon, case.lat))


def test_the_report_page_link_of_a_phone_app_is_converted(client, catalogue):
    assert _close(tuple(map(float, prefilled_point({"lon": str(GCJ_A[0]), "lat": str(GCJ_A[1]), "coords": "gcj02"}).values())))
    assert prefilled_point({"lon": "x", "lat": "1"}) == {} and prefilled_point({"lon": "1", "lat": "1", "coords": "?"}) == {}
    page = client.get("/report/", {"lon": GCJ_A[0], "lat": GCJ_A[1], "coords": "gcj02"}).content.decode()
    assert f'value="{GRID_A[0]:.6f}"' in page and f'value="{GRID_A[1]:.6f}"' in page


def test_the_place_search_names_places_and_says_when_a_point_is_outside(client, catalogue):
    answer = client.get("/report/places/", {"q": "个园门口", "lon": OUTSIDE[0], "lat": OUTSIDE[1]}).json()
    assert answer["inside"] is False
    assert [(p["name"], p["inside"], p["street"]) for p in answer["places"]] == [("个园", True, "东关街道")]
    assert _close((answer["places"][0]["lon"], answer["places"][0]["lat"]))
    assert client.get("/report/places/", {"lon": GRID_A[0], "lat": GRID_A[1]}).json() == {"inside": True, "places": []}
    assert client.get("/report/places/", {"q": "个"}).json()["places"] == []  # one character names nothing


def test_the_public_map_is_only_an_approved_one(settings, catalogue):
    settings.FINEGRID_BASEMAP = {"kind": "xyz", "url": "http://127.0.0.1:9/{z}/{x}/{y}.png"}
    assert resident_map()["basemap"] is None  # no 审图号: the residents keep the offline sketch
    settings.FINEGRID_BASEMAP = {**settings.FINEGRID_BASEMAP, "approval": "苏S(2025)001号"}
    shown = resident_map()
    assert shown["basemap"]["attribution"].endswith("苏S(2025)001号")
    assert "areas" not in shown and "geometry" not in json.dumps(shown)  # no grid or street shape for the public
    settings.FINEGRID_BASEMAP = {"kind": "tianditu", "key": "k"}
    assert resident_map()["basemap"]["tiles"].startswith("https://t{s}.tianditu.gov.cn/vec_w/wmts?")
