"""The Guangling demo district (广陵区, Yangzhou) as plain data, with no Django.

`build_layout()` turns data/guangling.json (real outline, division codes and names, landmark
hints) into a nested partition: 12 streets/towns tile the district outline, the real
communities/villages tile their street, ~1,500 unit grids tile their community and ~25,000
micro-grids tile their grid, plus a gazetteer of places. The geometry below the district
outline is invented (plausible, not real); see plan.py for the hand-placed figures.

How: streets are a power diagram of hand-placed sites, weighted until each street has its
planned area. Each street is cut into micro-grid "atoms" (Voronoi cells of points sampled
where households cluster); communities and grids are groups of atoms found by recursive
bisection balanced by households, so every level is an exact union of the level below."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import Polygon

from . import partition as part
from .atoms import Atoms, make_atoms
from .gazetteer import assign_grid_kinds, build_places
from .model import Area, GridCell, Layout, MicroCell, Place, centre_point, community_stem, rng_for
from .plan import GRID_HOUSEHOLDS, PEOPLE_PER_HOUSEHOLD, STREETS

__all__ = ["Area", "GridCell", "Layout", "MicroCell", "Place", "build_layout", "load_data"]

GRID_BALANCE = 40  # households a grid may differ from its community's mean before rebalancing
DATA_FILE = Path(__file__).resolve().parent / "data" / "guangling.json"


def load_data(path: Path = DATA_FILE) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def build_layout(data: dict | None = None, progress=None) -> Layout:
    """Build the whole demo district. `progress(step, done, total)`, if given, is called as work
    advances: "streets" (1 of 1), "grids" (one per street subdivided), "places" (2 parts)."""
    data = load_data() if data is None else data
    tick = progress or (lambda step, done, total: None)
    district = district_area(data)
    streets = build_streets(data, district)
    located = located_landmarks(data)
    tick("streets", 1, 1)
    communities, grids, micro = [], [], []
    for n, street in enumerate(streets):
        c, g, m = build_street(street, children(data, street.code), located)
        communities += c
        grids += g
        micro += m
        tick("grids", n + 1, len(streets))  # streets cut into communities, grids and micro-grids
    layout = Layout(district, streets, communities, grids, micro, [])
    layout.places = build_places(layout, data, tick)
    assign_grid_kinds(layout)
    return layout


def children(data: dict, code: str) -> list[dict]:
    return sorted((d for d in data["divisions"] if d["parent_code"] == code), key=lambda d: d["code"])


def district_area(data: dict) -> Area:
    row = next(d for d in data["divisions"] if d["level"] == "district")
    return Area(row["code"], row["name"], row["level"], row["parent_code"], Polygon(data["outline"]))


# --- streets --------------------------------------------------------------------------


def build_streets(data: dict, district: Area) -> list[Area]:
    """Streets as a power diagram whose weights give each street its planned share of area."""
    units = children(data, district.code)
    outline = district.polygon
    plans = [STREETS[u["code"]] for u in units]
    sites = part.to_plane([p.anchor for p in plans])
    share = np.array([p.area_km2 for p in plans])
    weights = part.fit_power_weights(sites, share / share.sum() * outline.area, outline)
    cells = part.power_diagram(sites, weights, outline)
    pieces, owner = shapely.get_parts(cells, return_index=True)
    points = shapely.get_coordinates(shapely.point_on_surface(pieces))
    _, unions = part.connect_groups(pieces, owner, points)
    return [Area(u["code"], u["name"], u["level"], u["parent_code"], unions[i]) for i, u in enumerate(units)]


# --- communities ----------------------------------------------------------------------


def build_street(street: Area, units: list[dict], located: dict):
    """Communities, grids and micro-grids of one street."""
    plan = STREETS[street.code]
    sizes = community_sizes(street.code, plan, len(units))
    villages = sum(u["level"] == "village" for u in units)
    atoms = make_atoms(street, sum(k * t for k, t in sizes), villages)
    labels = part.bisect(atoms.plane, atoms.households, [k * t for k, t in sizes])
    labels, regions = part.connect_groups(atoms.polygons, labels, atoms.points)
    who = name_regions(regions, units, centre_point(street, plan), located)
    communities, grids, micro = [], [], []
    for r in sorted(who, key=lambda r: who[r]["code"]):
        unit = who[r]
        communities.append(Area(unit["code"], unit["name"], unit["level"], street.code, regions[r]))
        members = atoms.subset(labels == r)
        # Re-derive the grid count: moving stray atoms may have changed the region's households.
        count = max(1, round(int(members.households.sum()) / sizes[r][1]))
        g, m = build_community(communities[-1], members, count)
        grids += g
        micro += m
    return communities, grids, micro


def community_sizes(code: str, plan, count: int) -> list[tuple[int, int]]:
    """(grid count, households per grid) of each community region: the street's grids shared
    out unevenly (largest remainder, at least 2 each), and a typical grid size per community."""
    rng = rng_for("sizes", code)
    raw = rng.uniform(0.6, 1.4, count)
    raw = raw / raw.sum() * (plan.grids - 2 * count)
    grids = np.floor(raw).astype(int)
    extra = plan.grids - 2 * count - grids.sum()
    grids[np.lexsort((np.arange(count), -(raw - grids)))[:extra]] += 1
    lo, hi = GRID_HOUSEHOLDS[plan.urban]
    return [(int(k) + 2, int(t)) for k, t in zip(grids, rng.integers(lo, hi + 1, count))]


def name_regions(regions: dict, units: list[dict], centre, located: dict) -> dict:
    """Which real community each region becomes. Those named after a located landmark take the
    region holding it; other 社区 take the free regions nearest the street's centre (town seats
    and old neighbourhoods), and villages the rest in reading order."""
    free = sorted(regions)
    spots = dict(zip(free, shapely.get_coordinates(shapely.point_on_surface([regions[r] for r in free]))))
    who = {}
    for unit in units:
        r = _region_of_landmark(unit, regions, free, located)
        if r is not None:
            who[r] = unit
            free.remove(r)
    rest = [u for u in units if u not in who.values()]
    centre = part.to_plane(centre)
    for unit in (u for u in rest if u["level"] != "village"):
        r = min(free, key=lambda r: (float(np.sum((part.to_plane(spots[r]) - centre) ** 2)), r))
        who[r] = unit
        free.remove(r)
    height = math.sqrt(sum(regions[r].area for r in free) * part.PLANE[0] / max(len(free), 1))
    ordered = [free[i] for i in part.reading_order(part.to_plane([spots[r] for r in free]), height)] if free else []
    who.update(zip(ordered, (u for u in rest if u["level"] == "village")))
    return who


def located_landmarks(data: dict) -> dict[str, tuple[float, float]]:
    """Landmarks that have coordinates, by name (to place the communities named after them)."""
    return {lm["name"]: (lm["lon"], lm["lat"]) for lm in data["landmarks"] if lm["lon"] is not None}


def _region_of_landmark(unit: dict, regions: dict, free: list, located: dict):
    stem = community_stem(unit["name"])
    if stem not in located:
        return None
    point = shapely.Point(located[stem])
    return next((r for r in free if regions[r].contains(point)), None)


# --- grids and micro-grids ------------------------------------------------------------


def build_community(community: Area, atoms: Atoms, grid_count: int):
    """Unit grids of about equal households, numbered in reading order, and their micro-grids."""
    labels = part.bisect(atoms.plane, atoms.households, [1.0] * grid_count)
    labels, unions = part.connect_groups(atoms.polygons, labels, atoms.points)
    balanced = part.rebalance(atoms.polygons, labels, atoms.households, GRID_BALANCE)
    if (balanced != labels).any():
        labels, unions = balanced, part.group_unions(atoms.polygons, balanced, sorted(unions))
    keys = sorted(unions)
    order = ordered_keys(keys, [unions[k] for k in keys], community.polygon)
    grids, micro = [], []
    for seq, k in enumerate(order, start=1):
        code = f"{community.code}{seq:03d}"
        name = f"{community.name}第{seq}网格"
        cells = make_micro(code, name, atoms.subset(labels == k), unions[k])
        hh, pop = sum(c.households for c in cells), sum(c.population for c in cells)
        grids.append(GridCell(code, name, community.code, "general", hh, pop, unions[k]))
        micro += cells
    return grids, micro


def ordered_keys(keys: list, polygons: list, parent) -> list:
    """Keys sorted north→south by rows as tall as a typical cell (sqrt of parent area / count),
    west→east within a row, using the cells' centroids."""
    cent = part.to_plane(shapely.get_coordinates(shapely.centroid(polygons)))
    height = math.sqrt(parent.area * part.PLANE[0] / len(keys))
    return [keys[i] for i in part.reading_order(cent, height)]


def make_micro(grid_code: str, grid_name: str, atoms: Atoms, grid_polygon) -> list[MicroCell]:
    keys = list(range(len(atoms.polygons)))
    order = ordered_keys(keys, list(atoms.polygons), grid_polygon)
    ratio = rng_for("people", grid_code).uniform(*PEOPLE_PER_HOUSEHOLD, len(keys))
    cells = []
    for seq, i in enumerate(order, start=1):
        hh = int(atoms.households[i])
        cells.append(
            MicroCell(
                f"{grid_code}{seq:03d}", f"{grid_name}第{seq}微网格", grid_code, hh,
                int(round(hh * ratio[i])), atoms.polygons[i],
            )
        )
    return cells
