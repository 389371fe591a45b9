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


def test_the_data_file_names_a_community_and_a_kind_for_every_place(db):
    facts = named_places()
    assert len(facts) >= 15
    assert all(f["name"] and f["community"].endswith(("社区", "村")) and f["kind"] for f in facts)
