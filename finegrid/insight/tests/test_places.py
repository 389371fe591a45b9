from shapely.geometry import Point

from finegrid.grid.models import Place
from finegrid.insight.places import FastGazetteer, PlaceFacts, snapshot_gazetteer, where


def test_a_landmark_resolves_to_its_grid(places):
    found = FastGazetteer().where("个园门口的垃圾桶满了")
    assert found.place == "个园"
    assert (found.street, found.grid_code) == ("东关街道", "321002001001001")
    assert (found.lon, found.lat) == (119.405, 32.415)


def test_an_alias_finds_the_compound_at_grid_level(places):
    found = FastGazetteer().where("东圈门这边经常停水")
    assert found.place == "东圈门小区"
    assert found.street == "汶河街道"
    assert found.grid_code == "321002002001003"


def test_a_road_through_two_streets_gives_both_best_first(places):
    found = FastGazetteer().where("跃进路上的井盖丢了")
    assert found.street == "东关街道"
    assert [c["street"] for c in found.candidates] == ["东关街道", "汶河街道"]
    assert found.grid_code is None


def test_the_most_specific_place_wins(places):
    found = FastGazetteer().where("跃进路个园旁边路灯不亮")
    assert found.place == "个园"


def test_no_place_named(places):
    found = FastGazetteer().where("路灯不亮")
    assert found.place is None and found.key is None


def test_resolutions_are_reused_but_not_shared(places):
    gazetteer = FastGazetteer()
    first = gazetteer.where("跃进路路灯坏了")
    first.candidates.clear()
    assert len(gazetteer.where("跃进路路面破损").candidates) == 2


def test_a_location_correction_teaches_the_compound_its_text_names(tiny):
    from finegrid.grid.gazetteer import current_gazetteer, learn_from_correction
    from finegrid.grid.models import Grid

    grid = Grid.objects.filter(code__startswith="321002002").first()
    text = "东升花园3栋门口的路灯坏了好几天"
    assert current_gazetteer().mentions(text) == []
    learned = learn_from_correction(text, grid.code)
    assert learned.name == "东升花园" and learned.street_codes == ["321002002"]
    assert where("东升花园门口垃圾桶满了").street_code == "321002002"
    assert learn_from_correction(text, grid.code) is None  # known now: learned once


def test_the_gazetteer_reads_which_places_are_points_from_the_stored_shapes_header(places):
    from finegrid.grid.gazetteer import Gazetteer
    from finegrid.grid.models import Place

    from_rows = Gazetteer()  # geometry not decoded: the WKB header says point or not
    from_shapes = Gazetteer(list(Place.objects.all()))
    assert from_rows.points == from_shapes.points
    assert {Place.objects.get(pk=pk).name for pk in from_rows.points} == {"个园", "东圈门小区"}
    ranked = max(from_rows.mentions("跃进路上个园门口"), key=lambda m: m.rank)
    assert ranked.place.name == "个园"


def test_a_fresh_process_reads_the_same_places_from_the_snapshot(places, tmp_path):
    texts = ["个园门口的垃圾桶满了", "东圈门这边经常停水", "跃进路上的井盖丢了", "路灯不亮"]
    built = snapshot_gazetteer(tmp_path)  # no file yet: built from the database, then written
    assert (tmp_path / "gazetteer-snapshot.pickle").exists()
    read = snapshot_gazetteer(tmp_path)
    assert all(isinstance(p, PlaceFacts) for ps in read.by_name.values() for p in ps)
    assert [read.where(t) for t in texts] == [built.where(t) for t in texts] == [FastGazetteer().where(t) for t in texts]


def test_a_new_place_makes_the_snapshot_stale(places, tmp_path):
    snapshot_gazetteer(tmp_path)
    Place.objects.create(name="琼花苑", kind="compound", geometry=Point(119.405, 32.415), lon=119.405, lat=32.415,
                         street_codes=["321002001"])
    assert snapshot_gazetteer(tmp_path).where("琼花苑门口积水").place == "琼花苑"
