"""Named places: the data file's facts and the compounds communities are named after reach the
gazetteer at their community, once however often the seed runs."""

from shapely.geometry import Point

from finegrid.demo.named_places import named_places, seed_named_places
from finegrid.grid.gazetteer import Gazetteer
from finegrid.grid.models import Place


def _community(name, street, lon):
    return Place.objects.create(name=name, kind=Place.Kind.COMMUNITY, geometry=Point(lon, 32.4), lon=lon, lat=32.4,
                                street_codes=[street])


def test_named_places_resolve_to_their_community_and_street(db):
    _community("杉湾花园社区", "321002005", 119.43)
    _community("翠月嘉苑社区", "321002400", 119.47)
    _community("教场社区", "321002001", 119.44)
    added = seed_named_places()
    assert added and seed_named_places() == 0  # idempotent
    gazetteer = Gazetteer()
    assert [m.place.street_codes for m in gazetteer.mentions("杉湾花园二期门口")] == [["321002005"]]
    assert {m.place.name for m in gazetteer.mentions("住在翠月嘉苑小区")} == {"翠月嘉苑"}
    assert {m.place.name for m in gazetteer.mentions("教场那边的路")} == {"教场社区"}  # its short name


def test_the_data_file_names_a_community_or_a_street_and_a_kind_for_every_place(db):
    facts = named_places()
    assert len(facts) >= 35
    assert all(f["name"] and f["kind"] and (f["community"] or "").endswith(("社区", "村", "")) for f in facts)
    assert all(f["community"] or f["street"].endswith(("街道", "镇", "开发区")) for f in facts)


def test_a_place_known_only_to_its_street_names_the_street_alone(db):
    from finegrid.grid.locate import GridIndex

    Place.objects.create(name="湾头镇", kind=Place.Kind.STREET, geometry=Point(119.47, 32.44), lon=119.47, lat=32.44,
                         street_codes=["321002103"])
    _community("茱萸湾社区", "321002103", 119.46)
    seed_named_places()
    clinic = Place.objects.get(name="湾头镇卫生院")
    assert clinic.subkind == "hospital@street" and clinic.street_codes == ["321002103"]
    zoo = Place.objects.get(name="扬州动物园")  # known to its community
    assert zoo.subkind == "scenic" and "茱萸湾公园" in zoo.aliases
    index = GridIndex.__new__(GridIndex)
    index.region_names = {"321002103": "湾头镇"}
    location = Gazetteer().resolve("去湾头卫生院看病排了三个小时", index)
    assert (location.street, location.community, location.grid_code) == ("湾头镇", None, None)


def _street(name, code, lon):
    return Place.objects.create(name=name, kind=Place.Kind.STREET, geometry=Point(lon, 32.4), lon=lon, lat=32.4,
                                street_codes=[code])


def test_a_streets_short_name_and_its_sights_resolve_to_it(db):
    """"东关这边", "曲江那块": residents name a street by its name without 街道; a sight known by a
    second name (寄啸山庄 is 何园) resolves to its community."""
    from finegrid.grid.locate import GridIndex

    _street("东关街道", "321002001", 119.44)
    _street("曲江街道", "321002004", 119.46)
    _street("广陵经济开发区", "321002400", 119.48)
    _community("何园社区", "321002001", 119.445)
    Place.objects.create(name="东关街", kind=Place.Kind.ROAD, geometry=Point(119.44, 32.4), lon=119.44, lat=32.4,
                         street_codes=["321002001"])
    seed_named_places()
    index = GridIndex.__new__(GridIndex)
    index.region_names = {"321002001": "东关街道", "321002004": "曲江街道", "321002400": "广陵经济开发区"}
    said = {"东关派出所门口的路灯坏了": "东关街道", "曲江那块的菜场门口污水横流": "曲江街道",
            "广陵开发区的厂子晚上排烟": "广陵经济开发区"}
    assert {text: Gazetteer().resolve(text, index).street for text in said} == said
    assert Place.objects.get(name="寄啸山庄").subkind == "scenic"  # placed at 何园社区, not street-only
    assert [m.place.name for m in Gazetteer().mentions("东关街上人太多")] == ["东关街"]  # the longer name wins


def test_a_short_name_added_alone_changes_the_gazetteers_fingerprint(db):
    from django.db.models import Max

    _community("教场社区", "321002001", 119.44)
    before = Place.objects.aggregate(at=Max("updated_at"))["at"]
    assert seed_named_places() == 1  # only the alias 教场: no fact of the file has its community here
    assert Place.objects.aggregate(at=Max("updated_at"))["at"] > before
