"""Geometric partitioning for the demo layout, independent of Guangling's facts.

Coordinates are lon/lat degrees. Anything that measures distance (Voronoi and power
diagrams, bisection directions, row bands) first maps to a "plane" in which longitude is
scaled by cos(latitude), so cells are not stretched east-west by about 18 % at 32° N.
All clipping happens in degrees against the caller's polygons, so the outline is kept
bit for bit and neighbouring pieces share exactly the same vertices."""

from __future__ import annotations

import math

import numpy as np
import shapely
from shapely.geometry import MultiPoint, Polygon
from shapely.strtree import STRtree

LAT0 = 32.37  # the district's middle latitude
PLANE = np.array([math.cos(math.radians(LAT0)), 1.0])  # degree -> plane scale per axis
KM_PER_DEG_LAT = 110.89  # at 32.4° N; used for distances in the plane (km of latitude)


def to_plane(lonlat: np.ndarray) -> np.ndarray:
    return np.asarray(lonlat, dtype=float) * PLANE


def from_plane(geoms):
    """Map geometries built in the plane back to degrees (same vertices map to same vertices)."""
    return shapely.transform(geoms, lambda xy: xy / PLANE)


def area_km2(geoms) -> np.ndarray:
    """Area in km²: degree² times the WGS-84 length of a degree of latitude and of longitude at
    each geometry's centroid (within 0.05 % of an equal-area projection over the district)."""
    phi = np.radians(shapely.get_y(shapely.centroid(geoms)))
    lat_km = 111.13295 - 0.55982 * np.cos(2 * phi) + 0.00118 * np.cos(4 * phi)
    lon_km = 111.41284 * np.cos(phi) - 0.0935 * np.cos(3 * phi)
    return shapely.area(geoms) * lat_km * lon_km


# --- power diagrams -------------------------------------------------------------------


def _clip_convex(poly: np.ndarray, normal: np.ndarray, offset: float) -> np.ndarray:
    """Part of a convex polygon (open ring, n×2) where normal·x <= offset (Sutherland–Hodgman)."""
    side = poly @ normal - offset
    inside = side <= 0
    if inside.all() or not inside.any():
        return poly if inside.all() else poly[:0]
    out = []
    for k in range(len(poly)):
        a, b, sa, sb = poly[k - 1], poly[k], side[k - 1], side[k]
        if (sa <= 0) != (sb <= 0):
            out.append(a + (sa / (sa - sb)) * (b - a))
        if sb <= 0:
            out.append(b)
    return np.array(out)


def power_cells(sites: np.ndarray, weights: np.ndarray, frame: np.ndarray) -> list[np.ndarray]:
    """Convex power-diagram cells (plane coordinates) of `sites` inside the convex `frame`.

    Cell i = {x : |x - p_i|² - w_i <= |x - p_j|² - w_j for all j}; each inequality is a half-plane."""
    cells = []
    for i, p in enumerate(sites):
        poly = frame
        for j, q in enumerate(sites):
            if j != i and len(poly):
                offset = q @ q - p @ p + weights[i] - weights[j]
                poly = _clip_convex(poly, 2 * (q - p), offset)
        cells.append(poly)
    return cells


def power_diagram(sites: np.ndarray, weights: np.ndarray, region: Polygon) -> np.ndarray:
    """Power cells of plane `sites`, clipped to `region` (degrees). Returns an array of geometries."""
    x0, y0, x1, y1 = region.bounds
    frame = to_plane([[x0 - 1, y0 - 1], [x1 + 1, y0 - 1], [x1 + 1, y1 + 1], [x0 - 1, y1 + 1]])
    polys = [Polygon(c) if len(c) >= 3 else Polygon() for c in power_cells(sites, weights, frame)]
    # Round to 1e-10° so the two copies of each bisector (computed from either side) coincide.
    # (Not set_precision: it would also round the later clip, moving the outline's vertices.)
    cells = shapely.transform(np.array(polys, dtype=object), lambda xy: np.round(xy / PLANE, 10))
    return shapely.intersection(cells, region)


def fit_power_weights(sites, targets, region, tol=0.002, max_iter=400) -> np.ndarray:
    """Weights making each cell's area (inside `region`) close to `targets` (same units as region.area).

    Growing w_i by dw moves a boundary by about dw / (2 d), d ~ twice the cell radius r, so
    raising r by dr needs dw ~ 4 r dr; the step below is that, damped by one half."""
    targets = np.asarray(targets, dtype=float)
    weights = np.zeros(len(sites))
    scale = PLANE[0]  # plane area = degree area * cos(lat0)
    for _ in range(max_iter):
        areas = shapely.area(power_diagram(sites, weights, region))
        if np.max(np.abs(areas / targets - 1)) < tol:
            break
        weights += 0.5 * (4 / np.pi) * (targets - np.sqrt(targets * areas)) * scale
        weights -= weights.mean()
    return weights


# --- Voronoi atoms --------------------------------------------------------------------


def sample_points(region: Polygon, count: int, density, rng: np.random.Generator) -> np.ndarray:
    """`count` plane points inside `region` (degrees), by rejection against density(plane xy) <= 1."""
    plane_region = shapely.transform(region, lambda xy: xy * PLANE)
    x0, y0, x1, y1 = plane_region.bounds
    shapely.prepare(plane_region)
    found: list[np.ndarray] = []
    total = 0
    while total < count:
        xy = rng.uniform((x0, y0), (x1, y1), size=(4 * count + 64, 2))
        keep = shapely.contains_xy(plane_region, xy[:, 0], xy[:, 1])
        xy = xy[keep]
        xy = xy[rng.uniform(size=len(xy)) < density(xy)]
        found.append(xy)
        total += len(xy)
    return np.concatenate(found)[:count]


def voronoi_cells(points: np.ndarray, region: Polygon) -> np.ndarray:
    """Voronoi cells (degrees) of plane `points`, in input order, clipped to `region` (degrees)."""
    plane_region = shapely.transform(region, lambda xy: xy * PLANE)
    envelope = shapely.buffer(shapely.envelope(plane_region), 0.01)
    cells = shapely.voronoi_polygons(MultiPoint(points), extend_to=envelope, ordered=True)
    cells = from_plane(np.array(cells.geoms, dtype=object))
    return shapely.intersection(cells, region)


def relax(points: np.ndarray, region: Polygon, rounds: int = 2, step: float = 0.5) -> np.ndarray:
    """A damped Lloyd relaxation: moves each point part way to its cell's centroid, which evens
    out the random clumps of rejection sampling while keeping most of the density contrast."""
    plane_region = shapely.transform(region, lambda xy: xy * PLANE)
    for _ in range(rounds):
        cent = to_plane(shapely.get_coordinates(shapely.centroid(voronoi_cells(points, region))))
        moved = points + step * (cent - points)
        ok = shapely.contains_xy(plane_region, moved[:, 0], moved[:, 1])
        points = np.where(ok[:, None], moved, points)
    return points


def explode_cells(cells: np.ndarray) -> list[Polygon]:
    """One polygon per atom. A cell cut in pieces by a concave boundary keeps its largest piece;
    the other pieces are merged into the neighbouring atom sharing the longest boundary."""
    parts, owner = shapely.get_parts(cells, return_index=True)
    parts = [p for p in parts]
    areas = shapely.area(parts)
    order = np.lexsort((np.arange(len(parts)), -areas))
    main: dict[int, int] = {}
    stray = []
    for k in order:
        if owner[k] in main:
            stray.append(k)
        else:
            main[owner[k]] = k
    atoms = {k: parts[k] for k in main.values()}
    for k in stray:
        atoms = _merge_into_neighbour(atoms, k, parts[k])
    return [atoms[k] for k in sorted(atoms)]


def _merge_into_neighbour(atoms: dict[int, Polygon], key: int, piece: Polygon) -> dict[int, Polygon]:
    keys = sorted(atoms)
    shared = shapely.length(shapely.intersection(piece.boundary, [atoms[k] for k in keys]))
    best = int(np.argmax(shared))
    if shared[best] <= 0:  # an isolated sliver: keep it as an atom of its own
        atoms[key] = piece
        return atoms
    merged = shapely.union(atoms[keys[best]], piece)
    if merged.geom_type == "Polygon":
        atoms[keys[best]] = merged
    else:
        atoms[key] = piece
    return atoms


# --- balanced bisection ---------------------------------------------------------------

_DIRECTIONS = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [1.0, -1.0]]) / np.array(
    [[1.0], [1.0], [math.sqrt(2)], [math.sqrt(2)]]
)


def bisect(xy: np.ndarray, weight: np.ndarray, targets: list[float]) -> np.ndarray:
    """Labels 0..len(targets)-1 for plane points, groups' weights proportional to `targets`.

    Recursive coordinate bisection: split the targets in two halves, cut the points across
    their longest extent (of 4 directions: E, N and both diagonals, so blocks are not all
    boxes) where the cumulative weight reaches the first half's share."""
    labels = np.zeros(len(xy), dtype=int)
    _bisect(xy, np.asarray(weight, float), list(targets), np.arange(len(xy)), 0, labels)
    return labels


def _bisect(xy, weight, targets, idx, first_label, labels):
    if len(targets) == 1:
        labels[idx] = first_label
        return
    half = len(targets) // 2
    share = sum(targets[:half]) / sum(targets)
    proj = xy[idx] @ _DIRECTIONS.T
    axis = int(np.argmax(proj.max(axis=0) - proj.min(axis=0)))
    order = idx[np.lexsort((idx, proj[:, axis]))]
    cum = np.cumsum(weight[order])
    cut = int(np.argmin(np.abs(cum - share * cum[-1]))) + 1
    cut = min(max(cut, half), len(order) - (len(targets) - half))  # every group keeps >= 1 point
    _bisect(xy, weight, targets[:half], order[:cut], first_label, labels)
    _bisect(xy, weight, targets[half:], order[cut:], first_label + half, labels)


# --- connectivity ---------------------------------------------------------------------


def group_unions(atoms: np.ndarray, labels: np.ndarray, keys) -> dict[int, object]:
    return {k: shapely.union_all(atoms[labels == k]) for k in keys}


def connect_groups(atoms: np.ndarray, labels: np.ndarray, points: np.ndarray, max_rounds: int = 10):
    """Make every group's union a single polygon: atoms of a group's smaller parts move to the
    group sharing the longest boundary with that part. `points` are the atoms' points on surface.
    Returns (labels, unions). The caller groups only siblings, so moves stay inside the parent."""
    labels = labels.copy()
    keys = sorted(set(labels.tolist()))
    unions = group_unions(atoms, labels, keys)
    for _ in range(max_rounds):
        split = [k for k in keys if unions[k].geom_type != "Polygon"]
        if not split:
            break
        changed = set()
        for k in split:
            changed |= _move_stray_parts(k, unions, labels, points, keys)
        unions.update(group_unions(atoms, labels, sorted(changed)))
    return labels, unions


def _move_stray_parts(k, unions, labels, points, keys) -> set[int]:
    parts = sorted(shapely.get_parts(unions[k]), key=lambda p: -p.area)
    others = [j for j in keys if j != k]
    tree = STRtree([unions[j] for j in others])
    changed = {k}
    for part in parts[1:]:
        near = tree.query(part, predicate="intersects")
        if len(near) == 0:
            continue
        shared = shapely.length(shapely.intersection(part.boundary, [unions[others[n]] for n in near]))
        target = others[near[int(np.argmax(shared))]]
        members = (labels == k) & shapely.contains_xy(part, points[:, 0], points[:, 1])
        labels[members] = target
        changed.add(target)
    return changed


def neighbours(polygons: np.ndarray) -> list[set[int]]:
    """For each polygon, the others sharing a stretch of boundary with it (not just a corner)."""
    a, b = STRtree(polygons).query(polygons, predicate="intersects")
    a, b = a[a < b], b[a < b]
    shared = shapely.length(shapely.intersection(shapely.boundary(polygons[a]), shapely.boundary(polygons[b])))
    adj: list[set[int]] = [set() for _ in polygons]
    for i, j in zip(a[shared > 0].tolist(), b[shared > 0].tolist()):
        adj[i].add(j)
        adj[j].add(i)
    return adj


def rebalance(atoms: np.ndarray, labels: np.ndarray, weight: np.ndarray, band: float, max_moves: int = 200):
    """Even out group weights after connect_groups moved whole stray parts: the group furthest
    from the mean trades one boundary atom with a neighbouring group, keeping both connected,
    until every group is within `band` of the mean (or no move helps)."""
    labels = labels.copy()
    keys = sorted(set(labels.tolist()))
    mean = weight.sum() / len(keys)
    load = {k: float(weight[labels == k].sum()) for k in keys}
    if max(abs(v - mean) for v in load.values()) <= band:
        return labels
    adj = neighbours(atoms)
    for _ in range(max_moves):
        worst = max(keys, key=lambda k: (abs(load[k] - mean), -k))
        if abs(load[worst] - mean) <= band or not _best_move(atoms, labels, weight, adj, load, mean, worst):
            break
    return labels


def _best_move(atoms, labels, weight, adj, load, mean, group) -> bool:
    """Apply the single atom move involving `group` that most reduces the pair's worst deviation."""
    moves = []
    for i in range(len(labels)):
        for j in adj[i]:
            src, dst = labels[i], labels[j]
            if src != dst and group in (src, dst):
                before = max(abs(load[src] - mean), abs(load[dst] - mean))
                after = max(abs(load[src] - weight[i] - mean), abs(load[dst] + weight[i] - mean))
                if after < before:
                    moves.append((after, i, dst))
    for _, i, dst in sorted(set(moves)):
        src = labels[i]
        rest = (labels == src) & (np.arange(len(labels)) != i)
        if rest.any() and shapely.union_all(atoms[rest]).geom_type == "Polygon":
            labels[i] = dst
            load[src] -= weight[i]
            load[dst] += weight[i]
            return True
    return False


# --- ordering -------------------------------------------------------------------------


def reading_order(xy: np.ndarray, row_height: float) -> np.ndarray:
    """Indices of plane points in reading order: rows of `row_height` taken north to south
    (counted down from the northernmost point), west to east within a row."""
    row = np.floor((xy[:, 1].max() - xy[:, 1]) / row_height + 1e-9).astype(int)
    return np.lexsort((np.arange(len(xy)), xy[:, 0], row))
