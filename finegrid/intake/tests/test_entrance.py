"""The one entrance, `take_in`, and the district's checks as every intake channel meets them:
a point outside the district or at 0,0, an area code that does not exist or lies outside, a
place name of another district; a batch's good rows land beside its bad ones."""

import csv

import pytest

from finegrid.cases.models import Case, Transition
from finegrid.grid.locate import GridIndex
from finegrid.grid.models import Region
from finegrid.intake.entrance import take_in
from finegrid.intake.hotline import import_file
from finegrid.intake.inbox import drain
from finegrid.intake.intake import Intake, IntakeError, Submission
from finegrid.intake.keys import issue_key
from finegrid.intake.models import Queued, Receipt

from .conftest import GRID_A, GRID_B, OUTSIDE

BEIJING = (116.4, 39.9)
EIGHTEEN_NINES = "9" * 18


def _sub(**change):
    base = dict(channel="patrol", description="井盖破损", category_code="C0101", lon=GRID_A[0], lat=GRID_A[1],
                public_only=False)
    return Submission(**{**base, **change})


# ── take_in itself ────────────────────────────────────────────────────────────────────────────


def test_a_batch_lands_its_good_rows_and_names_each_bad_ones_field(catalogue):
    subs = [_sub(key="1"), _sub(key="2", lon=OUTSIDE[0], lat=OUTSIDE[1]),
            _sub(key="3", lon=None, lat=None, area_code=EIGHTEEN_NINES), _sub(key="4", lon=GRID_B[0], lat=GRID_B[1]),
            _sub(key="5", reporter_phone="call me")]
    results = take_in(subs)
    assert [type(r) for r in results] == [Intake, IntakeError, IntakeError, Intake, IntakeError]
    assert "location" in results[1].problems and "area_code" in results[2].problems and "phone" in results[4].problems
    assert Case.objects.count() == 2 == Receipt.objects.count() == Transition.objects.filter(action="report").count()
    assert {results[0].case.grid_id, results[3].case.grid_id} == {catalogue["grid_a"].pk, catalogue["grid_b"].pk}


def test_the_batch_is_located_with_one_vectorised_call(catalogue, monkeypatch):
    calls = []
    original = GridIndex.locate_many
    monkeypatch.setattr(GridIndex, "locate_many", lambda self, lons, lats: calls.append(len(lons)) or original(self, lons, lats))
    monkeypatch.setattr(GridIndex, "locate", lambda *a: pytest.fail("a point located one by one"))
    take_in([_sub(key=str(i)) for i in range(5)])
    assert calls == [5] and Case.objects.count() == 5


def test_the_same_key_twice_in_a_batch_is_one_case(catalogue):
    first, again = take_in([_sub(key="k"), _sub(key="k", description="again")])
    assert first.created and not again.created and again.case.pk == first.case.pk and Case.objects.count() == 1


def test_an_area_code_of_a_grid_places_the_case_in_that_grid(catalogue):
    (taken,) = take_in([_sub(lon=None, lat=None, area_code="321002002001001")])
    case = Case.objects.get(pk=taken.case.pk)
    assert case.area_code == "321002002001001" and case.grid == catalogue["grid_b"]


@pytest.mark.parametrize("change, field, words", [
    (dict(lon=BEIJING[0], lat=BEIJING[1]), "location", "outside 广陵区"),
    (dict(lon=0, lat=0), "location", "0, 0"),
    (dict(lon=0.0, lat=False), "location", "numbers"),
    (dict(lon=None, lat=None, area_code=EIGHTEEN_NINES), "area_code", EIGHTEEN_NINES),
    (dict(lon=None, lat=None, area_code="321003"), "area_code", "321003"),
    (dict(lon=None, lat=None, address="北京市朝阳区三里屯"), "address", "北京市"),
])
def test_the_districts_checks_refuse_with_the_field(catalogue, change, field, words):
    (refused,) = take_in([_sub(**change)])
    assert isinstance(refused, IntakeError) and words in refused.problems[field]
    assert not Case.objects.exists() and not Receipt.objects.exists()


def test_an_area_code_of_a_region_outside_the_district_is_refused(catalogue):
    Region.objects.create(code="321003", name="邗江区", level=Region.Level.DISTRICT)
    (refused,) = take_in([_sub(lon=None, lat=None, area_code="321003")])
    assert "outside 广陵区" in refused.problems["area_code"]


def test_a_place_of_the_district_named_beside_another_is_taken(catalogue):
    (taken,) = take_in([_sub(lon=None, lat=None, address="扬州市广陵区个园门口")])
    assert taken.case.area_code.startswith("321002001001001")


# ── resident pages and patrol ─────────────────────────────────────────────────────────────────


def test_the_resident_page_refuses_a_place_of_another_district(client, catalogue):
    form = {"category": "E0101", "description": "路灯不亮", "address": "北京市朝阳区三里屯", "phone": "13800005678",
            "key": "k-1"}
    response = client.post("/report/", form)
    assert response.status_code == 400 and "北京市" in response.content.decode() and not Case.objects.exists()
    response = client.post("/report/", {**form, "address": "", "lon": BEIJING[0], "lat": BEIJING[1]})
    assert response.status_code == 400 and "outside" in response.content.decode() and not Case.objects.exists()


def test_patrol_refuses_a_point_outside_the_district_and_at_zero(client, catalogue):
    client.force_login(catalogue["worker_a"])
    form = {"category": "C0101", "description": "井盖破损", "key": "uuid-1"}
    for lon, lat, words in ((*BEIJING, "outside"), (0, 0, "0, 0")):
        response = client.post("/patrol/reports/", {**form, "lon": lon, "lat": lat})
        assert response.status_code == 400 and words in response.json()["problems"]["location"]
    assert client.post("/patrol/reports/", {**form, "lon": GRID_A[0], "lat": GRID_A[1]}).status_code == 201
    assert Case.objects.count() == 1


# ── Open311 ───────────────────────────────────────────────────────────────────────────────────


@pytest.fixture
def key(catalogue):
    return issue_key("测试应用")[1]


def _open311(client, key, **change):
    form = {"api_key": key, "service_code": "C0101", "description": "井盖没了", "attribute[depth]": "20",
            "lat": GRID_A[1], "long": GRID_A[0]}
    return client.post("/open311/v2/requests.json", {**form, **change})


def test_open311_refuses_eighteen_nines_as_address_id_and_a_point_outside(client, key):
    bad = _open311(client, key, lat="", long="", address_id=EIGHTEEN_NINES)
    assert bad.status_code == 400 and bad.json()[0]["description"].startswith("address_id: ")
    outside = _open311(client, key, lat=BEIJING[1], long=BEIJING[0])
    assert outside.status_code == 400 and "outside" in outside.json()[0]["description"]
    drain()
    assert not Case.objects.exists() and not Queued.objects.exists()


def test_the_open311_drain_sets_a_refused_row_aside_with_its_reason_and_opens_the_rest(client, key):
    _open311(client, key, lat="", long="", address_string="北京市朝阳区三里屯")  # only the worker sees this one
    _open311(client, key, description="井盖缺失")
    assert drain() == {"open311_opened": 1} and Case.objects.count() == 1
    refused = Queued.objects.get(case__isnull=True)
    assert refused.done_at and refused.error.startswith("address: 北京市")


# ── the hotline import: 退单 ───────────────────────────────────────────────────────────────────

HEADER = ["工单编号", "来电时间", "诉求内容", "地址", "分类", "经度", "纬度"]


def test_a_hotline_row_for_another_district_is_sent_back_and_listed(catalogue, tmp_path):
    path = tmp_path / "hotline.csv"
    with path.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows([HEADER,
            ["GD1", "2026-11-20 09:30", "北京市朝阳区三里屯 噪音扰民，有人受伤", "北京市朝阳区三里屯", "", "", ""],
            ["GD2", "2026-11-20 09:31", "个园门口井盖缺失", "个园", "上水井盖", "", ""],
            ["GD3", "2026-11-20 09:32", "外地问题", "", "", str(BEIJING[0]), str(BEIJING[1])],
        ])
    outcome = import_file(path)
    reasons = dict(outcome.errors)
    assert outcome.created == 1 and set(reasons) == {2, 4}
    assert reasons[2].startswith("sent back (退单): address: 北京市") and "退单" in reasons[4]
    assert Case.objects.get().external_id == "GD2"


@pytest.mark.parametrize("text, found", [
    ("北京市朝阳区三里屯", "北京市"), ("南京市鼓楼区中山路", "南京市鼓楼区"), ("扬州市邗江区", "扬州市邗江区"),
    ("浙江省杭州市", "浙江省"), ("扬州市广陵区东关街", ""), ("江苏省扬州市", ""), ("我们小区停水", ""),
    ("超市门口小区", ""), ("市民反映城市管理问题", ""),
])
def test_only_administrative_names_of_elsewhere_count_as_another_district(text, found):
    from finegrid.intake.elsewhere import foreign_place

    assert foreign_place(text, "321002", "广陵区") == found


def test_a_bad_area_code_is_refused_even_beside_a_good_point(catalogue):
    (refused,) = take_in([_sub(area_code=EIGHTEEN_NINES)])
    assert EIGHTEEN_NINES in refused.problems["area_code"] and not Case.objects.exists()


def test_a_batch_of_replays_only_writes_nothing(catalogue):
    take_in([_sub(key="a")])
    again, copy = take_in([_sub(key="a"), _sub(key="a")])
    assert not again.created and not copy.created and copy.case.pk == again.case.pk and Case.objects.count() == 1
