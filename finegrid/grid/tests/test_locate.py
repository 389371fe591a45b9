import io
import json

import pytest
from django.core.management import call_command
from shapely.geometry import LineString, Point, box

from finegrid.grid.importer import import_records
from finegrid.grid.locate import locate, locate_many
from finegrid.grid.models import Place
from finegrid.grid.records import FeatureRecord

KEYS = ["street", "street_code", "community", "community_code", "grid_code", "microgrid_code"]


def test_point_is_located_down_to_its_micro_grid(tiny):
    location = locate(119.4075, 32.4150)
    assert location.street == "东关街道" and location.community_code == "321002001001"
    assert location.grid_code == "321002001001001"
    assert location.microgrid_code == "321002001001001002"
    assert location.reason is None


def test_point_outside_the_district_gives_nulls_and_a_reason(tiny):
    location = locate(120.0, 33.0)
    assert [getattr(location, key) for key in KEYS] == [None] * 6
    assert location.reason


def test_locate_many_agrees_with_locate(tiny):
    grids, micros = locate_many([119.4025, 119.4375, 121.0], [32.4050, 32.4150, 30.0])
    assert list(grids >= 0) == [True, True, False]
    assert locate(119.4375, 32.4150).grid_code == "321002002001002"


def test_index_is_rebuilt_when_grids_change(tiny):
    assert locate(119.445, 32.405).grid_code is None
    district = FeatureRecord(0, "district", "321002", "广陵区", box(119.40, 32.40, 119.45, 32.42))
    street = FeatureRecord(1, "street", "321002003", "文峰街道", box(119.44, 32.40, 119.45, 32.41))
    community = FeatureRecord(2, "community", "321002003001", "文峰社区", box(119.44, 32.40, 119.45, 32.41))
    grid = FeatureRecord(3, "grid", "321002003001001", "第1网格", box(119.44, 32.40, 119.45, 32.41))
    assert import_records([district, street, community, grid]).ok
    assert locate(119.445, 32.405).grid_code == "321002003001001"


@pytest.fixture
def places(tiny):
    def place(name, kind, geometry, streets, aliases=()):
        point = geometry if geometry.geom_type == "Point" else geometry.interpolate(0.5, normalized=True)
        Place.objects.create(name=name, kind=kind, geometry=geometry, lon=point.x, lat=point.y,
                             street_codes=streets, aliases=list(aliases))

    place("东关街道", "street", Point(119.41, 32.41), ["321002001"])
    place("汶河街道", "street", Point(119.43, 32.41), ["321002002"])
    place("东关社区", "community", Point(119.405, 32.415), ["321002001"])
    place("琼花观", "landmark", Point(119.4125, 32.4025), ["321002001"], aliases=["琼华观"])
    place("国庆路", "road", LineString([(119.405, 32.4150), (119.435, 32.4150)]), ["321002001", "321002002"])
    place("二桥村", "community", Point(119.405, 32.405), ["321002001"])
    place("二桥村", "community", Point(119.435, 32.405), ["321002002"])


def _run_locate(lines: str) -> list[dict]:
    out = io.StringIO()
    stdin = io.StringIO(lines)
    import sys

    saved = sys.stdin, sys.stdout
    sys.stdin, sys.stdout = stdin, out
    try:
        call_command("locate")
    finally:
        sys.stdin, sys.stdout = saved
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_locate_command_answers_each_line_in_order(places):
    answers = _run_locate("119.4075,32.4150\n119.4375 32.4050\n琼华观门口路灯不亮\n\nhello\n")
    assert len(answers) == 5
    assert all(set(KEYS) <= set(answer) for answer in answers)
    assert answers[0]["microgrid_code"] == "321002001001001002"
    assert answers[1]["grid_code"] == "321002002001004"
    assert answers[2]["grid_code"] == "321002001001004" and answers[2]["place"] == "琼花观"
    assert answers[3]["reason"] and answers[3]["grid_code"] is None
    assert answers[4]["reason"] and answers[4]["street"] is None


def test_community_text_is_located_to_the_community_only(places):
    [answer] = _run_locate("东关社区有人乱扔垃圾\n")
    assert answer["community_code"] == "321002001001" and answer["grid_code"] is None


def test_a_road_through_two_streets_names_both_best_first(places):
    [answer] = _run_locate("国庆路上井盖缺失\n")
    assert answer["street_code"] == "321002001"
    assert answer["candidates"] == ["321002001", "321002002"]


def test_an_ambiguous_name_is_settled_by_the_street_named_beside_it(places):
    ambiguous, settled = _run_locate("二桥村路面塌陷\n汶河街道二桥村路面塌陷\n")
    assert ambiguous["community_code"] is None and "二桥村" in ambiguous["reason"]
    assert ambiguous["candidates"] == ["321002001", "321002002"]
    assert settled["community_code"] == "321002002001"
