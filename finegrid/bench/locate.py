"""`finegrid bench locate`: exact point → micro-grid location (`Locator.locate_many`) against
shapely's STRtree, and h3 as a rough reference, on the database's micro-grids (the demo layout's
when it has none) and a million random points.

    python -m finegrid.bench.locate [n_polygons] [n_points]

runs it on a synthetic Voronoi tiling of the district's bounding box instead. Everything is
single-threaded; timings are medians of interleaved runs.
"""

import json
import os
import statistics
import sys
import time

import numpy as np
import shapely

from finegrid.grid.locator import EDGE_TOL, Locator
from finegrid.grid.synthetic import synthetic_tiling, uniform_points

H3_RESOLUTION = 10
H3_SAMPLE = 100_000  # h3 answers one point per Python call: time a sample, not the million


def main(points: int = 1_000_000, repeats: int = 5, out=None, **_) -> dict:
    polygons, source = micro_polygons(out)
    progress = (lambda message: out.write(f"{message}\n")) if out else None
    figures = run(polygons, n_points=points, repeats=repeats, progress=progress)
    return {"source": source, **figures}


def micro_polygons(out) -> tuple[list, str]:
    """The database's micro-grids, or the demo layout's when the database has none yet."""
    from finegrid.grid.models import MicroGrid

    polygons = [m.geometry for m in MicroGrid.objects.only("geometry").iterator(chunk_size=5000)]
    if polygons:
        return polygons, "database"
    from finegrid.demo.layout import build_layout

    out.write("no micro-grids in the database: building the demo layout in memory\n")
    return [m.polygon for m in build_layout().microgrids], "demo layout"


def run(polygons, n_points=1_000_000, repeats=5, seed=0, progress=None, inside=True) -> dict:
    """Build a Locator, time it and the STRtree baseline on the same random points, check them."""
    say = progress or (lambda message: None)
    polygons = list(polygons)
    say(f"building the locator over {len(polygons)} polygons")
    rss_before = _rss_mb()
    started = time.perf_counter()
    locator = Locator(polygons)
    build_s = time.perf_counter() - started
    rss_after = _rss_mb()
    tree = shapely.STRtree(polygons)
    rng = np.random.default_rng(seed)
    lons, lats = _inside(rng, polygons, n_points) if inside else uniform_points(rng, _total_bounds(polygons), n_points)
    say(f"timing {repeats} × {n_points} points, locate_many and STRtree interleaved")
    ours, theirs, (got, expected) = _time_both(locator, tree, lons, lats, repeats)
    say("checking that they agree")
    mismatches = _mismatches(polygons, lons, lats, got, expected)
    h3_pps = _h3_pps(lons, lats)
    return {
        "points": n_points, "where": "inside the polygons" if inside else "bounding box",
        "polygons": len(polygons), "build_s": build_s,
        "locate_many_pps": ours, "strtree_pps": theirs, "h3_pps": h3_pps, "ratio": ours / theirs,
        "agree": mismatches == 0, "mismatches": mismatches,
        "index_mb": locator.nbytes / 1e6,
        "build_rss_mb": None if rss_before is None else rss_after - rss_before,
    }


def strtree_locate(tree, lons, lats) -> np.ndarray:
    """The baseline: index of the polygon strictly containing each point, -1 for none."""
    point, polygon = tree.query(shapely.points(lons, lats), predicate="within")
    out = np.full(len(lons), -1, np.int64)
    out[point] = polygon
    return out


def _time_both(locator, tree, lons, lats, repeats):
    """Median points/s of each, timed alternately after a small warm-up; and the last answers."""
    warm = slice(0, min(len(lons), 10_000))
    locator.locate_many(lons[warm], lats[warm])
    strtree_locate(tree, lons[warm], lats[warm])
    ours, theirs = [], []
    for _ in range(max(repeats, 1)):
        got, seconds = _timed(locator.locate_many, lons, lats)
        ours.append(len(lons) / seconds)
        expected, seconds = _timed(strtree_locate, tree, lons, lats)
        theirs.append(len(lons) / seconds)
    return statistics.median(ours), statistics.median(theirs), (got, expected)


def _timed(function, *args):
    started = time.perf_counter()
    result = function(*args)
    return result, max(time.perf_counter() - started, 1e-9)


def _mismatches(polygons, lons, lats, got, expected) -> int:
    """Points answered differently, not counting those within EDGE_TOL of either answer's
    boundary (there the baseline says -1 and the locator picks a neighbour)."""
    differ = np.flatnonzero(got != expected)
    if not len(differ):
        return 0
    boundaries = shapely.boundary(np.asarray(polygons + [shapely.Polygon()], dtype=object))
    points = shapely.points(lons[differ], lats[differ])
    near = np.zeros(len(differ), bool)
    for answer in (got[differ], expected[differ]):  # -1 picks the empty polygon: never near
        distance = shapely.distance(boundaries[answer], points)
        near |= np.nan_to_num(distance, nan=np.inf) <= EDGE_TOL
    return int((~near).sum())


def _h3_pps(lons, lats) -> float | None:
    """h3 cell ids (resolution 10, ~15,000 m² hexagons) per second: an approximate index that
    answers which hexagon, not which grid. None when h3 is not installed."""
    try:
        import h3
    except ImportError:
        return None
    lons, lats = lons[:H3_SAMPLE].tolist(), lats[:H3_SAMPLE].tolist()
    cell = h3.latlng_to_cell
    started = time.perf_counter()
    for lon, lat in zip(lons, lats):
        cell(lat, lon, H3_RESOLUTION)
    return len(lons) / max(time.perf_counter() - started, 1e-9)


def _inside(rng, polygons, n):
    """Uniform points inside the polygons (the district itself, not its bbox, whose empty corners
    would flatter any index): pick polygons by area, then points in each by rejection."""
    shapes = np.asarray(polygons, dtype=object)
    shapely.prepare(shapes)
    bounds = shapely.bounds(shapes)
    weights = shapely.area(shapes) / shapely.area(shapes).sum()
    lons, lats = np.empty(n), np.empty(n)
    todo = np.arange(n)
    while len(todo):
        which = rng.choice(len(shapes), size=len(todo), p=weights)
        x = rng.uniform(bounds[which, 0], bounds[which, 2])
        y = rng.uniform(bounds[which, 1], bounds[which, 3])
        hit = shapely.contains_xy(shapes[which], x, y)
        lons[todo[hit]], lats[todo[hit]] = x[hit], y[hit]
        todo = todo[~hit]
    return lons, lats


def _total_bounds(polygons):
    return shapely.total_bounds(np.asarray(polygons, dtype=object))


def _rss_mb() -> float | None:
    """Resident memory of this process now (Linux), for the index's footprint."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6
    except (OSError, IndexError, ValueError):
        return None


if __name__ == "__main__":
    n_polygons = int(sys.argv[1]) if len(sys.argv) > 1 else 15_000
    n_points = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    tiling = synthetic_tiling(n_polygons, seed=0)
    print(json.dumps(run(tiling, n_points=n_points, progress=lambda m: print(m, file=sys.stderr)), indent=2))
