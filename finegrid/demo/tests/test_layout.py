"""Behaviour of the pure demo-district generator (finegrid.demo.layout); no database needed."""

import hashlib
import math
from collections import defaultdict

import numpy as np
import pytest
import shapely
from shapely.geometry import Point
from shapely.strtree import STRtree

from finegrid.demo.layout import build_layout, load_data

URBAN = {"321002001", "321002002", "321002003", "321002004", "321002005", "321002400"}
GRID_KINDS = {"general", "park", "school", "hospital", "enterprise"}
LANDMARK_GRID_KIND = {"park": "park", "garden": "park", "scenic_area": "park", "school": "school", "hospital": "hospital"}


@pytest.fixture(scope="module")
def data():
    return load_data()


@pytest.fixture(scope="module")
def layout(built):
    return built[0]


def street_of(code: str) -> str:
    return code[:9]


# --- tiling -------------------------------------------------------------------------------


def assert_tiles(parents: dict, children: list, parent_code_of) -> None:
    """Children of each parent: areas add up, union equals the parent, no two children overlap."""
    groups = defaultdict(list)
    for child in children:
        groups[parent_code_of(child)].append(child.polygon)
    assert set(groups) == set(parents), "every parent has children and every child a known parent"
    for code, polygons in groups.items():
        parent = parents[code]
        assert math.isclose(sum(p.area for p in polygons), parent.area, rel_tol=1e-9), code
        difference = shapely.union_all(polygons).symmetric_difference(parent).area
        assert difference <= 1e-9 * parent.area, (code, difference)
    polygons = np.array([c.polygon for c in children], dtype=object)
    a, b = STRtree(polygons).query(polygons, predicate="intersects")
    a, b = a[a < b], b[a < b]
    overlaps = shapely.area(shapely.intersection(polygons[a], polygons[b]))
    total = sum(parents[k].area for k in parents)
    assert overlaps.max(initial=0.0) <= 1e-12 * total, "children of the level overlap"


def test_streets_tile_the_district_outline(layout, data):
    assert shapely.equals_exact(layout.district.polygon, shapely.Polygon(data["outline"]), 0)
    assert_tiles({layout.district.code: layout.district.polygon}, layout.streets, lambda s: s.parent_code)


def test_communities_tile_their_street(layout):
    assert_tiles({s.code: s.polygon for s in layout.streets}, layout.communities, lambda c: c.parent_code)


def test_grids_tile_their_community(layout):
    assert_tiles({c.code: c.polygon for c in layout.communities}, layout.grids, lambda g: g.community_code)


def test_microgrids_tile_their_grid(layout):
    assert_tiles({g.code: g.polygon for g in layout.grids}, layout.microgrids, lambda m: m.grid_code)


def test_every_polygon_is_a_valid_single_polygon(layout):
    areas = [layout.district, *layout.streets, *layout.communities, *layout.grids, *layout.microgrids]
    polygons = np.array([a.polygon for a in areas], dtype=object)
    assert shapely.is_valid(polygons).all()
    assert {p.geom_type for p in polygons} == {"Polygon"}
    assert (shapely.area(polygons) > 0).all()


# --- divisions and codes ------------------------------------------------------------------


def test_streets_and_communities_are_the_real_divisions(layout, data):
    real = {d["code"]: d for d in data["divisions"]}
    made = [layout.district, *layout.streets, *layout.communities]
    assert len(layout.streets) == 12 and len(layout.communities) == 151
    assert {a.code for a in made} == set(real)
    for area in made:
        row = real[area.code]
        assert (area.name, area.level, area.parent_code) == (row["name"], row["level"], row["parent_code"])


def test_grid_and_microgrid_codes_extend_their_parents(layout):
    communities = {c.code for c in layout.communities}
    grids = {g.code for g in layout.grids}
    assert len(grids) == len(layout.grids)
    assert len({m.code for m in layout.microgrids}) == len(layout.microgrids)
    for g in layout.grids:
        assert len(g.code) == 15 and g.code.isdigit() and g.code[:12] == g.community_code
        assert g.community_code in communities
    for m in layout.microgrids:
        assert len(m.code) == 18 and m.code.isdigit() and m.code[:15] == m.grid_code
        assert m.grid_code in grids


def test_sequences_run_from_001_without_gaps(layout):
    for children, parent_of in ((layout.grids, lambda g: g.community_code), (layout.microgrids, lambda m: m.grid_code)):
        seqs = defaultdict(list)
        for child in children:
            seqs[parent_of(child)].append(int(child.code[-3:]))
        for parent, numbers in seqs.items():
            assert sorted(numbers) == list(range(1, len(numbers) + 1)), parent


def test_grids_are_numbered_in_rows_north_to_south_then_west_to_east(layout):
    """Rows are bands of height sqrt(community area / grid count) counted down from the
    northernmost grid centroid (in a plane with longitude scaled by cos 32.37°)."""
    scale = math.cos(math.radians(32.37))
    by_community = defaultdict(list)
    for g in layout.grids:
        by_community[g.community_code].append(g)
    for community in layout.communities:
        grids = sorted(by_community[community.code], key=lambda g: g.code)
        xy = shapely.get_coordinates(shapely.centroid([g.polygon for g in grids])) * [scale, 1]
        height = math.sqrt(community.polygon.area * scale / len(grids))
        rows = np.floor((xy[:, 1].max() - xy[:, 1]) / height + 1e-9)
        keys = list(zip(rows, xy[:, 0]))
        assert keys == sorted(keys), community.code


def test_grid_names_follow_their_community(layout):
    names = {c.code: c.name for c in layout.communities}
    for g in layout.grids:
        assert g.name == f"{names[g.community_code]}第{int(g.code[-3:])}网格"


# --- sizes --------------------------------------------------------------------------------


def test_about_1500_grids_and_10_to_25_microgrids_each(layout):
    assert 1400 <= len(layout.grids) <= 1600
    per_grid = defaultdict(int)
    for m in layout.microgrids:
        per_grid[m.grid_code] += 1
    counts = np.array([per_grid[g.code] for g in layout.grids])
    assert counts.min() >= 8 and counts.max() <= 30
    assert 10 <= np.median(counts) <= 25


def test_grid_households_depend_on_urban_or_rural(layout):
    for g in layout.grids:
        low, high = (300, 500) if street_of(g.code) in URBAN else (400, 800)
        assert low <= g.households <= high, (g.code, g.households)
    urban = np.median([g.households for g in layout.grids if street_of(g.code) in URBAN])
    rural = np.median([g.households for g in layout.grids if street_of(g.code) not in URBAN])
    assert rural > urban


def test_rural_grids_cover_larger_areas(layout):
    urban = np.median([g.polygon.area for g in layout.grids if street_of(g.code) in URBAN])
    rural = np.median([g.polygon.area for g in layout.grids if street_of(g.code) not in URBAN])
    assert rural > 2 * urban


def test_microgrid_households_add_up_to_their_grid(layout):
    totals = defaultdict(lambda: [0, 0])
    for m in layout.microgrids:
        assert 10 <= m.households <= 50
        totals[m.grid_code][0] += m.households
        totals[m.grid_code][1] += m.population
    for g in layout.grids:
        assert totals[g.code] == [g.households, g.population]


def test_population_is_about_2_4_to_2_9_people_per_household(layout):
    for cell in [*layout.grids, *layout.microgrids]:
        assert 2.4 * cell.households - 1 <= cell.population <= 2.9 * cell.households + 1


# --- geography ----------------------------------------------------------------------------


def test_landmarks_with_coordinates_fall_in_their_street(layout, data):
    streets = {s.name: s.polygon for s in layout.streets}
    located = [lm for lm in data["landmarks"] if lm["lon"] is not None]
    assert len(located) == 8
    for lm in located:
        assert len(lm["streets"]) == 1
        assert streets[lm["streets"][0]].contains(Point(lm["lon"], lm["lat"])), lm["name"]


def test_streets_sit_roughly_where_the_real_ones_are(layout):
    """Each street's centroid lies in the rough box of the real street (lon, lat ranges)."""
    boxes = {
        "321002002": (119.420, 119.440, 32.385, 32.405), "321002001": (119.435, 119.455, 32.385, 32.410),
        "321002003": (119.430, 119.465, 32.360, 32.390), "321002004": (119.450, 119.485, 32.380, 32.410),
        "321002005": (119.420, 119.475, 32.330, 32.365), "321002106": (119.450, 119.505, 32.405, 32.450),
        "321002402": (119.490, 119.545, 32.430, 32.510), "321002400": (119.480, 119.520, 32.350, 32.400),
        "321002401": (119.520, 119.580, 32.350, 32.400), "321002103": (119.460, 119.530, 32.270, 32.330),
        "321002102": (119.530, 119.620, 32.260, 32.340), "321002104": (119.600, 119.710, 32.220, 32.350),
    }
    for s in layout.streets:
        c = s.polygon.centroid
        x0, x1, y0, y1 = boxes[s.code]
        assert x0 <= c.x <= x1 and y0 <= c.y <= y1, (s.name, c.x, c.y)


def km2(polygon) -> float:
    """Area in km² from degree lengths on WGS-84 at the polygon's centroid latitude."""
    phi = math.radians(polygon.centroid.y)
    lat_km = 111.13295 - 0.55982 * math.cos(2 * phi)
    lon_km = 111.41284 * math.cos(phi) - 0.0935 * math.cos(3 * phi)
    return polygon.area * lat_km * lon_km


def test_old_city_streets_are_small_and_towns_large(layout):
    km2s = {s.code: km2(s.polygon) for s in layout.streets}
    assert all(1.5 <= km2s[c] <= 5 for c in ("321002001", "321002002"))
    assert all(km2s[s.code] >= 19 for s in layout.streets if s.level == "town")
    assert math.isclose(sum(km2s.values()), 334.82, rel_tol=0.002)  # the outline's area


# --- grid kinds ---------------------------------------------------------------------------


def test_landmark_grids_are_special_grids(layout):
    assert {g.kind for g in layout.grids} <= GRID_KINDS
    tree = STRtree([g.polygon for g in layout.grids])
    seen = set()
    for place in layout.places:
        kind = LANDMARK_GRID_KIND.get(place.kind)
        if kind and place.geometry.geom_type == "Point":
            grid = layout.grids[int(tree.query(place.geometry, predicate="intersects")[0])]
            assert grid.kind != "general", place.name
            seen.add(grid.kind)
    assert {"park", "school", "hospital"} <= seen


def test_enterprise_grids_only_in_the_development_zone_and_hangji(layout):
    streets = {street_of(g.code) for g in layout.grids if g.kind == "enterprise"}
    assert streets == {"321002400", "321002401"}
    assert 6 <= sum(g.kind == "enterprise" for g in layout.grids) <= 20


# --- places -------------------------------------------------------------------------------


def test_every_division_is_a_place_inside_itself(layout, data):
    places = defaultdict(list)
    for p in layout.places:
        places[p.name].append(p)
    for area in [*layout.streets, *layout.communities]:
        match = [p for p in places[area.name] if p.kind == area.level and area.polygon.contains(p.geometry)]
        assert len(match) == 1, area.name
        assert match[0].aliases == data["aliases"].get(area.name, [])
        assert match[0].street_codes == [street_of(area.code)]


def test_every_landmark_is_a_place_in_its_streets(layout, data):
    places = {p.name: p for p in layout.places}
    streets = {s.code: s.polygon for s in layout.streets}
    codes = {s.name: s.code for s in layout.streets}
    for lm in data["landmarks"]:
        place = places[lm["name"]]
        listed = [codes[n] for n in lm["streets"]]
        assert place.street_codes and (not listed or place.street_codes == listed)
        assert layout.district.polygon.covers(place.geometry)
        if place.geometry.geom_type == "Point":
            assert any(streets[c].covers(place.geometry) for c in place.street_codes), lm["name"]
        else:
            assert lm["kind"] in ("road", "river", "street", "historic_street")
            assert all(streets[c].intersection(place.geometry).length > 0 for c in place.street_codes), lm["name"]


def test_residential_names_are_unique_and_one_per_microgrid(layout):
    homes = [p for p in layout.places if p.kind in ("building", "village_group")]
    assert len(homes) == len(layout.microgrids)
    names = [p.name for p in homes] + [p.name for p in layout.places if p.kind == "compound"]
    assert len(names) == len(set(names))
    division_names = {a.name for a in [*layout.streets, *layout.communities]}
    assert not division_names & set(names)
    tree = STRtree([m.polygon for m in layout.microgrids])
    hits = tree.query([p.geometry for p in homes], predicate="within")
    assert len(set(hits[0].tolist())) == len(homes)


# --- determinism and progress -------------------------------------------------------------


def fingerprint(layout) -> str:
    h = hashlib.sha256()
    for area in [layout.district, *layout.streets, *layout.communities, *layout.grids, *layout.microgrids]:
        h.update(area.code.encode())
        h.update(area.name.encode())
        h.update(shapely.to_wkb(area.polygon))
    for cell in [*layout.grids, *layout.microgrids]:
        h.update(f"{getattr(cell, 'kind', '')}{cell.households}/{cell.population}".encode())
    for p in layout.places:
        h.update(f"{p.name}|{p.kind}|{p.aliases}|{p.street_codes}".encode())
        h.update(shapely.to_wkb(p.geometry))
    return h.hexdigest()


def test_builds_are_deterministic(layout, data):
    assert fingerprint(build_layout(data)) == fingerprint(layout)


def test_progress_reports_every_step_to_completion(built):
    _, calls = built
    last = {}
    for step, done, total in calls:
        assert 0 < done <= total
        assert done >= last.get(step, (0, 0))[0]
        last[step] = (done, total)
    assert {"streets", "grids", "places"} <= set(last)
    assert all(done == total for done, total in last.values())


def test_data_file_holds_the_facts_with_english_keys(data):
    assert set(data) == {"sources", "outline", "divisions", "aliases", "landmarks"}
    assert len(data["outline"]) == 48 and data["outline"][0] == data["outline"][-1]
    assert len(data["divisions"]) == 164 and len(data["landmarks"]) == 63
    assert all(set(d) == {"code", "name", "level", "parent_code"} for d in data["divisions"])
    assert all(set(lm) == {"name", "kind", "streets", "lon", "lat"} for lm in data["landmarks"])
