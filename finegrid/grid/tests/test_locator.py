"""Locator: exact point → polygon answers over tilings (plain pytest, no database)."""

import warnings

import numpy as np
import pytest
import shapely
import shapely.affinity
from shapely.geometry import MultiPolygon, Polygon, box

from finegrid.grid.synthetic import DISTRICT_BBOX, synthetic_tiling
from finegrid.grid.locator import EDGE_TOL, Locator

LON, LAT = 119.5, 32.3  # small test layouts sit inside the district
STEP = 0.001  # ~100 m


def cell(col, row, cols=1, rows=1):
    """An axis-aligned rectangle on a 100 m lattice inside the district."""
    return box(LON + col * STEP, LAT + row * STEP, LON + (col + cols) * STEP, LAT + (row + rows) * STEP)


def random_points(bounds, n, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(bounds[0], bounds[2], n), rng.uniform(bounds[1], bounds[3], n)


def shapely_answer(polygons, lons, lats):
    """What shapely says: the lowest index of a polygon that contains the point, else -1."""
    point, polygon = shapely.STRtree(polygons).query(shapely.points(lons, lats), predicate="within")
    first = np.full(len(lons), len(polygons), np.int64)
    np.minimum.at(first, point, polygon)
    return np.where(first < len(polygons), first, -1)


def near_an_edge(polygons, lons, lats):
    """Points within EDGE_TOL of some polygon's boundary (where any touching answer is right)."""
    boundaries = shapely.boundary(np.asarray(polygons, dtype=object))
    points = shapely.points(lons, lats)
    point, _ = shapely.STRtree(boundaries).query(points, predicate="dwithin", distance=EDGE_TOL)
    near = np.zeros(len(lons), bool)
    near[point] = True
    return near


def assert_agrees_with_shapely(polygons, lons, lats):
    got = Locator(polygons).locate_many(lons, lats)
    expected = shapely_answer(polygons, lons, lats)
    differ = (got != expected) & ~near_an_edge(polygons, lons, lats)
    assert not differ.any(), f"{differ.sum()} points differ, e.g. {lons[differ][:3]}, {lats[differ][:3]}"
    return got


def assert_touching_answers(polygons, lons, lats):
    """Every answer is a polygon within EDGE_TOL of its point, and the same on every call."""
    locator = Locator(polygons)
    got = locator.locate_many(lons, lats)
    assert (got >= 0).all()
    geometries = np.asarray(polygons, dtype=object)
    assert shapely.dwithin(geometries[got], shapely.points(lons, lats), EDGE_TOL).all()
    assert np.array_equal(got, locator.locate_many(lons, lats))
    assert np.array_equal(got[::-1], locator.locate_many(lons[::-1], lats[::-1]))  # batch-independent
    assert [locator.locate(x, y) for x, y in zip(lons[:50], lats[:50])] == got[:50].tolist()


def brick_tiling(rows=12, cols=10):
    """Rows of bricks offset by half a brick: every brick corner is a T-junction on its
    neighbours' long edges, which have no vertex there."""
    bricks = []
    for row in range(rows):
        offset = row % 2
        for col in range(-offset, 2 * cols, 2):
            left, right = max(col, 0), min(col + 2, 2 * cols)
            bricks.append(cell(left, row, right - left, 1))
    return bricks


def vertices(polygons):
    coords = shapely.get_coordinates(np.asarray(polygons, dtype=object))
    return coords[:, 0].copy(), coords[:, 1].copy()


def edge_midpoints(polygons):
    rings = shapely.get_rings(np.asarray(polygons, dtype=object))
    coords, ring = shapely.get_coordinates(rings, return_index=True)
    same = ring[1:] == ring[:-1]
    middle = (coords[:-1][same] + coords[1:][same]) / 2
    return middle[:, 0].copy(), middle[:, 1].copy()


# ---------------------------------------------------------------- agreement with shapely


def test_random_points_get_the_polygon_shapely_says_contains_them():
    tiling = synthetic_tiling(3000, seed=1)
    lons, lats = random_points(DISTRICT_BBOX, 200_000, seed=2)
    got = assert_agrees_with_shapely(tiling, lons, lats)
    assert (got >= 0).mean() > 0.999  # the tiling covers its box


def test_points_around_the_box_of_a_tiling_agree_too():
    tiling = synthetic_tiling(500, seed=3, bbox=(119.5, 32.3, 119.6, 32.35))
    lons, lats = random_points((119.45, 32.25, 119.65, 32.4), 100_000, seed=4)
    got = assert_agrees_with_shapely(tiling, lons, lats)
    assert (got == -1).any() and (got >= 0).any()


def test_dense_polygons_with_many_vertices_agree():
    tiling = list(shapely.segmentize(np.asarray(synthetic_tiling(300, seed=5), dtype=object), 0.0005))
    assert_agrees_with_shapely(tiling, *random_points(DISTRICT_BBOX, 100_000, seed=6))


def test_axis_aligned_lattice_agrees_including_points_on_its_lines():
    lattice = [cell(col, row) for col in range(30) for row in range(20)]
    lons, lats = random_points(shapely.total_bounds(lattice), 50_000, seed=7)
    assert_agrees_with_shapely(lattice, lons, lats)
    on_lines = LON + np.arange(31) * STEP, np.full(31, LAT + 7.5 * STEP)
    assert_touching_answers(lattice, *on_lines)


# ---------------------------------------------------------------- gaps, holes, multipolygons


def test_points_in_gaps_and_outside_are_minus_one():
    tiling = synthetic_tiling(400, seed=8, bbox=(119.5, 32.3, 119.6, 32.4))
    kept = [p for i, p in enumerate(tiling) if i % 3]  # every third polygon removed: gaps
    lons, lats = random_points((119.48, 32.28, 119.62, 32.42), 100_000, seed=9)
    got = assert_agrees_with_shapely(kept, lons, lats)
    holes = [p for i, p in enumerate(tiling) if not i % 3]
    inside_a_gap = shapely.contains_xy(shapely.union_all(holes), lons, lats)
    assert (got[inside_a_gap] == -1).all()
    assert Locator(kept).locate(119.0, 32.0) == -1


def test_a_hole_is_not_its_polygon_but_the_polygon_filling_it():
    outer, hole = cell(0, 0, 10, 10), cell(3, 3, 4, 4)
    ring = Polygon(outer.exterior, [hole.exterior])
    locator = Locator([ring, hole])
    assert locator.locate(LON + 1 * STEP, LAT + 1 * STEP) == 0
    assert locator.locate(LON + 5 * STEP, LAT + 5 * STEP) == 1
    assert Locator([ring]).locate(LON + 5 * STEP, LAT + 5 * STEP) == -1
    assert_agrees_with_shapely([ring, hole], *random_points(outer.bounds, 20_000, seed=10))


def test_nested_holes_and_islands_agree():
    island = Polygon(cell(4, 4, 2, 2).exterior, [cell(4.5, 4.5, 1, 1).exterior])
    lake = Polygon(cell(2, 2, 6, 6).exterior, [cell(4, 4, 2, 2).exterior])
    land = Polygon(cell(0, 0, 10, 10).exterior, [cell(2, 2, 6, 6).exterior])
    polygons = [land, lake, island, cell(4.5, 4.5, 1, 1)]
    assert_agrees_with_shapely(polygons, *random_points(land.bounds, 50_000, seed=11))


def test_a_multipolygon_answers_for_each_of_its_parts():
    two_parts = MultiPolygon([cell(0, 0, 2, 2), cell(5, 0, 2, 2)])
    polygons = [cell(2, 0, 3, 2), two_parts]
    locator = Locator(polygons)
    assert locator.locate(LON + 1 * STEP, LAT + 1 * STEP) == 1
    assert locator.locate(LON + 6 * STEP, LAT + 1 * STEP) == 1
    assert locator.locate(LON + 3 * STEP, LAT + 1 * STEP) == 0
    around = (LON - STEP, LAT - STEP, LON + 8 * STEP, LAT + 3 * STEP)
    assert_agrees_with_shapely(polygons, *random_points(around, 20_000))


def test_none_and_empty_polygons_keep_their_index_but_never_match():
    locator = Locator([None, Polygon(), cell(0, 0)])
    assert len(locator) == 3
    assert locator.locate(LON + STEP / 2, LAT + STEP / 2) == 2


# ---------------------------------------------------------------- edges, vertices, T-junctions


def test_points_on_shared_vertices_and_edges_get_a_touching_polygon():
    tiling = synthetic_tiling(500, seed=12, bbox=(119.5, 32.3, 119.55, 32.35))
    assert_touching_answers(tiling, *vertices(tiling))
    assert_touching_answers(tiling, *edge_midpoints(tiling))


def test_a_point_on_a_shared_edge_goes_to_the_lower_index():
    left, right = cell(0, 0), cell(1, 0)
    on_edge = LON + STEP, LAT + STEP / 2
    assert Locator([left, right]).locate(*on_edge) == 0
    assert Locator([right, left]).locate(*on_edge) == 0


def test_brick_tiling_with_t_junctions_agrees_and_answers_its_junctions():
    bricks = brick_tiling()
    assert_agrees_with_shapely(bricks, *random_points(shapely.total_bounds(bricks), 50_000, seed=13))
    assert_touching_answers(bricks, *vertices(bricks))
    assert_touching_answers(bricks, *edge_midpoints(bricks))


def test_t_junction_off_a_diagonal_edge_leaves_no_hole():
    # the junction is the rounded midpoint of a diagonal edge: the two halves and the long edge
    # do not quite coincide, and points on them must still land in one of the polygons
    a, b, c = (LON, LAT), (LON + 3 * STEP, LAT + 1.1 * STEP), (LON + 0.7 * STEP, LAT + 3 * STEP)
    m = ((b[0] + c[0]) / 2, (b[1] + c[1]) / 2)
    far = (LON + 4 * STEP, LAT + 4 * STEP)
    triangles = [Polygon([a, b, c]), Polygon([b, far, m]), Polygon([m, far, c])]
    t = np.linspace(0, 1, 2001)
    lons = np.r_[b[0] + t * (c[0] - b[0]), m[0]]
    lats = np.r_[b[1] + t * (c[1] - b[1]), m[1]]
    assert_touching_answers(triangles, lons, lats)
    assert_agrees_with_shapely(triangles, *random_points(shapely.total_bounds(triangles), 20_000, seed=14))


def test_a_sliver_narrower_than_the_tolerance_is_not_a_hole_but_a_real_gap_is():
    left = cell(0, 0)
    right = shapely.affinity.translate(cell(1, 0), xoff=EDGE_TOL / 4)  # floating-point sliver
    locator = Locator([left, right])
    assert locator.locate(LON + STEP + EDGE_TOL / 8, LAT + STEP / 2) in (0, 1)
    apart = Locator([left, shapely.affinity.translate(cell(1, 0), xoff=1e-6)])
    assert apart.locate(LON + STEP + 5e-7, LAT + STEP / 2) == -1


def test_overlapping_polygons_answer_the_lowest_index_containing_the_point():
    polygons = [cell(0, 0, 4, 4), cell(2, 2, 4, 4), cell(1, 1, 1, 1)]  # not a tiling, but no crash
    lons, lats = random_points((LON - STEP, LAT - STEP, LON + 7 * STEP, LAT + 7 * STEP), 20_000, seed=15)
    assert_agrees_with_shapely(polygons, lons, lats)


# ---------------------------------------------------------------- odd input


def test_nan_and_inf_coordinates_are_minus_one_without_warnings():
    locator = Locator(synthetic_tiling(50, seed=16))
    lons = np.array([np.nan, np.inf, -np.inf, 119.5, np.nan, 1e308, 119.5])
    lats = np.array([32.3, 32.3, 32.3, np.nan, np.inf, -1e308, 32.3])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = locator.locate_many(lons, lats)
        assert locator.locate(float("nan"), 32.3) == -1
        assert locator.locate(119.5, float("inf")) == -1
    assert got.dtype == np.int64
    assert got[:6].tolist() == [-1] * 6 and got[6] >= 0


def test_empty_input_answers_minus_one_everywhere():
    locator = Locator([])
    assert len(locator) == 0
    assert locator.locate(119.5, 32.3) == -1
    got = locator.locate_many(np.array([119.5, np.nan]), np.array([32.3, 32.3]))
    assert got.dtype == np.int64 and got.tolist() == [-1, -1]


def test_locate_answers_one_point_like_locate_many():
    tiling = synthetic_tiling(200, seed=17)
    locator = Locator(tiling)
    lons, lats = random_points(DISTRICT_BBOX, 200, seed=18)
    answers = [locator.locate(float(x), float(y)) for x, y in zip(lons, lats)]
    assert all(isinstance(a, int) for a in answers)
    assert answers == locator.locate_many(lons, lats).tolist()
    assert len(locator) == len(tiling)


def test_locate_many_accepts_lists_and_keeps_the_input_shape():
    locator = Locator([cell(0, 0)])
    inside, outside = (LON + STEP / 2, LAT + STEP / 2), (LON - 1, LAT)
    assert locator.locate_many([inside[0], outside[0]], [inside[1], outside[1]]).tolist() == [0, -1]
    grid = locator.locate_many(np.full((2, 3), inside[0]), np.full((2, 3), inside[1]))
    assert grid.shape == (2, 3) and (grid == 0).all()
    assert locator.locate_many(np.zeros(0), np.zeros(0)).shape == (0,)


def test_a_non_polygon_is_refused():
    with pytest.raises(TypeError):
        Locator([shapely.Point(LON, LAT)])


def test_a_pickled_locator_answers_as_the_one_it_was_made_from():
    import pickle

    polygons = synthetic_tiling(300, seed=3)
    locator = Locator(polygons)
    loaded = pickle.loads(pickle.dumps(locator))
    lons, lats = random_points(DISTRICT_BBOX, 20_000, seed=4)
    assert (loaded.locate_many(lons, lats) == locator.locate_many(lons, lats)).all()
    assert shapely.equals_exact(loaded._parts, locator._parts, 0).all()
    assert pickle.loads(pickle.dumps(Locator([]))).locate(LON, LAT) == -1
