"""Exact point → polygon location over a planar tiling (a district's grids or micro-grids).

The index is a uniform grid of square cells over the polygons' bounding box:

* a *pure* cell is one that no polygon edge comes within `_MARK_EPS` of. Nothing separates two
  points of such a cell, so the whole cell lies in one polygon (or in a gap) and every point in it
  gets the cell's label without a test. Labels come from an even-odd scanline fill at cell centres.
* a *boundary* cell is one an edge may touch (marked conservatively, with a margin). Points that
  fall in one are tested exactly with GEOS (`shapely.intersects_xy` on prepared polygons) against
  the cell's few candidates (~2 on average): the polygons having an edge in the cell, and the one
  covering its centre. Any other polygon reaching into the cell would need an edge in it.

Points on a shared edge are covered by both neighbours; the lowest polygon index wins. A point that
no candidate covers but that lies within `EDGE_TOL` of one (floating-point slivers between
neighbours that do not quite share an edge) goes to the nearest such polygon, so no sliver becomes
a hole in the tiling. Everything else — gaps, outside, NaN, inf — is -1. Overlapping input (which
a tiling should not have) still gets exact answers: the lowest index containing the point.

Only numpy and shapely are used, single-threaded: ~15,000 micro-grids build in under a second
and a million points take under 0.1 s (`python -m finegrid.bench.locate`).
Coordinates are lon/lat degrees: the tolerances below are tuned for them.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely

EDGE_TOL = 1e-9  # degrees (~0.1 mm): closer than this to a polygon counts as on it
_MARK_EPS = 4e-9  # cells within this of an edge are boundary cells; > EDGE_TOL + rounding (~1e-13)
_BOUNDARY_SHARE = 0.15  # aimed share of the bbox in boundary cells (measured ~0.125 on Voronoi tilings)
_MAX_CELLS = 1 << 24  # 64 MB of int32 codes at most
_MIN_CELL = 1e-6  # degrees (~0.1 m): finer cells would not pay back their memory
_POLYGON, _MULTIPOLYGON = 3, 6


@dataclass(frozen=True)
class _Grid:
    """Square cells of side `size`; cell (col, row) spans x0 + col*size ≤ x < x0 + (col+1)*size.

    Build and queries compute cell coordinates with the same `(x - x0) * inv` expression, so a
    point and the edges near it are rounded alike (errors ~1e-14 degrees, far below _MARK_EPS)."""

    x0: float
    y0: float
    size: float
    nx: int
    ny: int

    @property
    def inv(self) -> float:
        return 1.0 / self.size

    def fcol(self, x):
        return (x - self.x0) * self.inv

    def frow(self, y):
        return (y - self.y0) * self.inv

    def col(self, x):
        return np.floor(self.fcol(x)).astype(np.int64)

    def row(self, y):
        return np.floor(self.frow(y)).astype(np.int64)


class Locator:
    """Which polygon of a non-overlapping set holds a point: its index, or -1 outside all."""

    def __init__(self, polygons: Sequence):
        geometries = _geometry_array(polygons)
        self._n = len(geometries)
        self._parts, self._owner = _polygon_parts(geometries)
        _prepare(self._parts)
        self._grid = None
        self._codes = np.full(1, -1, np.int32)
        self._cand_start = self._cand_count = self._cand_part = np.zeros(0, np.int64)
        if len(self._parts):
            self._build(*_edges(self._parts))

    def _build(self, a, b, edge_part):
        """Cell codes: ≥ 0 owner of a pure cell, -1 pure gap, -(slot + 2) a boundary cell.

        A boundary cell's candidates are the parts with an edge in it plus the part covering its
        centre: any other part with area in the cell would have an edge in it or cover the centre
        too. That holds even for overlapping input (centres covered twice get every part near)."""
        self._grid = grid = _choose_grid(a, b)
        n = len(self._parts)  # (cell, part) pairs travel as keys cell * n + part
        edge_keys = _marked_keys(grid, a, b, edge_part, n)
        centre_part, covers = _scanline_labels(grid, a, b, edge_part)
        centre_cells = _distinct(edge_keys // n)
        centre_cells = centre_cells[covers[centre_cells] == 1]
        overlap_cells, overlap_parts = _overlap_pairs(grid, covers, self._parts)
        keys = [edge_keys, centre_cells * n + centre_part[centre_cells], overlap_cells * n + overlap_parts]
        boundary, self._cand_start, self._cand_count, self._cand_part = _candidates(np.concatenate(keys), n)
        codes, once = centre_part, covers == 1  # reused in place: the grid can be 64 MB
        codes[once] = self._owner[codes[once]]  # elsewhere the cell is a gap or a boundary cell
        codes[boundary] = -2 - np.arange(len(boundary), dtype=np.int32)
        self._codes = codes

    def __len__(self) -> int:
        return self._n

    def __reduce__(self):
        """Pickled with the polygon parts as one array of WKB, decoded in one call on load: as
        shapely objects each decodes on its own (measured on a district's 26,000 parts, in
        `finegrid analyze`'s gazetteer snapshot, insight/places.py: 0.10 s against 0.04 s). Code
        without `_unpickled` refuses such a file (AttributeError) rather than misreading it."""
        state = self.__dict__.copy()
        state["_parts"] = shapely.to_wkb(state["_parts"], include_srid=True)
        return _unpickled, (state,)

    @property
    def nbytes(self) -> int:
        """Memory of the numpy index (the prepared GEOS polygons come on top)."""
        arrays = (self._codes, self._cand_start, self._cand_count, self._cand_part, self._owner)
        return sum(a.nbytes for a in arrays)

    def locate(self, lon: float, lat: float) -> int:
        return int(self.locate_many(np.array([lon], float), np.array([lat], float))[0])

    def locate_many(self, lons: np.ndarray, lats: np.ndarray) -> np.ndarray:
        """int64 indexes into the polygons, -1 outside all; shaped like the broadcast inputs."""
        lons, lats = np.broadcast_arrays(np.asarray(lons, np.float64), np.asarray(lats, np.float64))
        x, y = lons.ravel(), lats.ravel()
        if self._grid is None:
            return np.full(lons.shape, -1, np.int64)
        codes = self._cell_codes(x, y)
        out = codes.astype(np.int64)
        boundary = np.flatnonzero(codes < -1)
        if len(boundary):
            slots = -2 - out[boundary]
            out[boundary] = self._resolve(x[boundary], y[boundary], slots)
        return out.reshape(lons.shape)

    def _cell_codes(self, x, y):
        """The code of each point's cell; -1 (gap) outside the grid and for NaN / inf."""
        g = self._grid
        with np.errstate(all="ignore"):  # huge coordinates overflow to inf: outside, no warning
            fx, fy = g.fcol(x), g.frow(y)
        outside = ~((fx >= 0) & (fx < g.nx) & (fy >= 0) & (fy < g.ny))  # True for NaN too
        if outside.any():
            fx[outside] = 0  # park them in cell 0 so the gather below stays in range
            fy[outside] = 0
        cell = fy.astype(np.intp)
        cell *= g.nx
        cell += fx.astype(np.intp)
        codes = self._codes[cell]
        codes[outside] = -1
        return codes

    def _resolve(self, x, y, slots):
        """Exact answers for points in boundary cells: the lowest owner that covers the point."""
        point, part = _pairs(self._cand_start[slots], self._cand_count[slots])
        part = self._cand_part[part]
        hit = shapely.intersects_xy(self._parts[part], x[point], y[point])
        out = np.full(len(slots), -1, np.int64)
        hit_point, hit_part = point[hit], part[hit]
        first = _first_of_runs(hit_point)  # pairs are ordered by point, then by owner
        out[hit_point[first]] = self._owner[hit_part[first]]
        missed = out < 0
        if missed.any():
            out[missed] = self._snap(x[missed], y[missed], slots[missed])
        return out

    def _snap(self, x, y, slots):
        """Nearest candidate within EDGE_TOL of each point (floating-point slivers), else -1."""
        point, part = _pairs(self._cand_start[slots], self._cand_count[slots])
        part = self._cand_part[part]
        # plain distance, not the prepared dwithin: its lazily built index is not thread-safe
        distance = shapely.distance(self._parts[part], shapely.points(x, y)[point])
        order = np.lexsort((self._owner[part], distance, point))  # nearest, then lowest owner
        point, part, distance = point[order], part[order], distance[order]
        first = _first_of_runs(point) & (distance <= EDGE_TOL)
        out = np.full(len(slots), -1, np.int64)
        out[point[first]] = self._owner[part[first]]
        return out


def _unpickled(state: dict) -> Locator:
    """A pickled Locator (`Locator.__reduce__`). Its parts are not prepared, as with shapely's
    own pickling: GEOS gives the same answers, each test is only slower."""
    locator = Locator.__new__(Locator)
    locator.__dict__.update(state, _parts=shapely.from_wkb(state["_parts"]))
    return locator


# ---------------------------------------------------------------- input


def _geometry_array(polygons) -> np.ndarray:
    """An object array of the input; None and empty geometries are kept but never match."""
    geometries = np.empty(len(polygons), dtype=object)
    geometries[:] = list(polygons)
    kinds = shapely.get_type_id(geometries)  # -1 for None
    bad = ~np.isin(kinds, (-1, _POLYGON, _MULTIPOLYGON))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise TypeError(f"polygon {i} is a {geometries[i].geom_type}, not a Polygon or MultiPolygon")
    return geometries


def _prepare(parts):
    """Prepare the parts for repeated tests, and use each once now: GEOS builds a prepared
    polygon's point index lazily on first use, which is not safe when threads do it together."""
    shapely.prepare(parts)
    bounds = shapely.bounds(parts)
    shapely.intersects_xy(parts, (bounds[:, 0] + bounds[:, 2]) / 2, (bounds[:, 1] + bounds[:, 3]) / 2)


def _polygon_parts(geometries):
    """Single polygons (a MultiPolygon's parts) and the input index each came from, in input order."""
    parts, owner = shapely.get_parts(geometries, return_index=True)
    keep = ~shapely.is_empty(parts)
    return parts[keep], owner[keep].astype(np.int64)


def _edges(parts):
    """Every ring segment as start points `a`, end points `b` and the part it belongs to."""
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    coords, ring = shapely.get_coordinates(rings, return_index=True)
    if not np.isfinite(coords).all():
        raise ValueError("polygon coordinates must be finite")
    same_ring = ring[1:] == ring[:-1]  # consecutive coordinates of one (closed) ring
    return coords[:-1][same_ring], coords[1:][same_ring], ring_part[ring[:-1][same_ring]]


# ---------------------------------------------------------------- the cell grid


def _choose_grid(a, b) -> _Grid:
    """Cells small enough that ~_BOUNDARY_SHARE of the area is boundary cells, within memory.

    Boundary cells form a band about 1.5 cells wide along the edges; every shared edge is listed
    twice (once per neighbour), so the band's area is about 0.75 * total edge length * cell size."""
    lo, hi = np.minimum(a.min(0), b.min(0)), np.maximum(a.max(0), b.max(0))
    width, height = hi - lo
    length = float(np.hypot(*(b - a).T).sum())
    size = _BOUNDARY_SHARE * width * height / max(0.75 * length, 1e-300)
    # at most ~_MAX_CELLS cells, also for a long thin bbox
    size = max(size, np.sqrt(width * height / _MAX_CELLS), max(width, height) * 16 / _MAX_CELLS, _MIN_CELL)
    size = min(size, max(width, height, _MIN_CELL))
    # one cell of margin all round, so that nothing on the polygons is on the grid's border
    x0, y0 = lo - size
    nx = int(np.floor((hi[0] - x0) / size)) + 2
    ny = int(np.floor((hi[1] - y0) / size)) + 2
    return _Grid(float(x0), float(y0), float(size), nx, ny)


def _marked_keys(grid, a, b, edge_part, n_parts, chunk=1 << 14):
    """Distinct keys cell * n_parts + part of _marked_pairs, computed over slices of the edges to
    bound the temporary arrays (~50 MB)."""
    keys = []
    for i in range(0, len(a), chunk):
        cells, parts = _marked_pairs(grid, a[i : i + chunk], b[i : i + chunk], edge_part[i : i + chunk])
        keys.append(_distinct(cells * n_parts + parts))
    return np.concatenate(keys)


def _marked_pairs(grid, a, b, edge_part):
    """(cell, part) for every cell that an edge, widened by _MARK_EPS, may touch.

    Each edge is cut where it enters and leaves the band |x - X_k| ≤ eps around every vertical
    grid line X_k. A piece between two bands stays ≥ eps from the lines, so it and its eps-margin
    lie in one column; a piece inside a band belongs to the two columns next to the line. In its
    column(s) a piece touches the rows its y-extent ± eps spans. So the marking is exact up to eps
    and never misses a cell."""
    edge, xa, xb, ya, yb = _band_pieces(grid, a, b)
    mid = 0.5 * (xa + xb)
    col_lo, col_hi = grid.col(mid - _MARK_EPS), grid.col(mid + _MARK_EPS)
    row_lo = grid.row(np.minimum(ya, yb) - _MARK_EPS)
    row_hi = grid.row(np.maximum(ya, yb) + _MARK_EPS)
    two = col_hi != col_lo  # band pieces: mark the column on each side of the line
    cols = np.concatenate([col_lo, col_hi[two]])
    piece, rows = _expand_ranges(np.concatenate([row_lo, row_lo[two]]), np.concatenate([row_hi, row_hi[two]]))
    cells = rows * grid.nx + cols[piece]
    parts = edge_part[np.concatenate([edge, edge[two]])][piece]
    return cells, parts


def _band_pieces(grid, a, b):
    """Each edge cut at x = X_k ± eps for the grid lines around it: (edge, xa, xb, ya, yb).

    The cuts of an edge come in increasing x; clipped to the edge's x-range, the first one is its
    low end and the last its high end (X_k_lo ≤ x_low, X_k_hi > x_high), so consecutive cuts are
    the pieces. Zero-length pieces are dropped, except the first piece of a vertical edge, which
    gets the edge's whole y-range."""
    lo, hi = np.minimum(a[:, 0], b[:, 0]), np.maximum(a[:, 0], b[:, 0])
    edge, k = _expand_ranges(grid.col(lo), grid.col(hi) + 1)
    lines = grid.x0 + k * grid.size
    edge = np.repeat(edge, 2)
    x = np.clip(np.stack([lines - _MARK_EPS, lines + _MARK_EPS], axis=1).ravel(), lo[edge], hi[edge])
    y = _y_at(a[edge], b[edge], x)
    first = np.r_[True, edge[1:-1] != edge[:-2]]
    vertical = first & (lo == hi)[edge[:-1]]
    y[1:][vertical] = np.maximum(a[:, 1], b[:, 1])[edge[:-1][vertical]]
    y[:-1][vertical] = np.minimum(a[:, 1], b[:, 1])[edge[:-1][vertical]]
    keep = (edge[1:] == edge[:-1]) & ((x[1:] > x[:-1]) | vertical)
    return edge[:-1][keep], x[:-1][keep], x[1:][keep], y[:-1][keep], y[1:][keep]


def _y_at(a, b, x):
    """y of each segment a→b at x, clamped to the segment (a vertical one gives a's y)."""
    dx = b[:, 0] - a[:, 0]
    t = np.clip((x - a[:, 0]) / np.where(dx == 0, 1.0, dx), 0.0, 1.0)
    return a[:, 1] + t * (b[:, 1] - a[:, 1])


def _scanline_labels(grid, a, b, edge_part):
    """The part (or -1) covering every cell centre, by even-odd filling each part row by row; and
    how many parts cover each centre (more than one only where the input overlaps itself, and
    then the part is meaningless)."""
    row, x, part = _row_crossings(grid, a, b, edge_part)
    order = np.lexsort((x, row, part))
    row, x, part = row[order], x[order], part[order]
    # A part crosses each row an even number of times; it is inside from the 1st crossing to the
    # 2nd, from the 3rd to the 4th... (holes are rings of the same part, so they come out).
    row, part, col_in, col_out = row[0::2], part[0::2], _centre_col(grid, x[0::2]), _centre_col(grid, x[1::2])
    labels = _fill_spans(grid, row, col_in, col_out, (part + 1).astype(np.int32))
    labels -= 1
    covers = _fill_spans(grid, row, col_in, col_out, np.ones(len(row), np.int32))
    return labels, covers


def _row_crossings(grid, a, b, edge_part):
    """(row, x, part) where edges cross the horizontal lines through cell centres.

    An edge crosses the rows whose centre y is in [y_low, y_high). Whether a row is counted
    depends only on each vertex's y, computed once per vertex value, so the two edges meeting at a
    vertex agree and every ring crosses every row an even number of times, whatever the rounding."""
    first = _centre_row(grid, np.minimum(a[:, 1], b[:, 1]))
    stop = _centre_row(grid, np.maximum(a[:, 1], b[:, 1]))
    edge, row = _expand_ranges(first, stop - 1)
    y = grid.y0 + (row + 0.5) * grid.size
    ea, eb = a[edge], b[edge]
    t = np.clip((y - ea[:, 1]) / (eb[:, 1] - ea[:, 1]), 0.0, 1.0)  # dy ≠ 0: horizontal edges cross no row
    return row, ea[:, 0] + t * (eb[:, 0] - ea[:, 0]), edge_part[edge]


def _centre_row(grid, y):
    """The first row whose centre is at or above y."""
    return np.ceil(grid.frow(y) - 0.5).astype(np.int64)


def _centre_col(grid, x):
    """The first column whose centre is at or right of x."""
    return np.ceil(grid.fcol(x) - 0.5).astype(np.int64)


def _fill_spans(grid, row, col_in, col_out, value):
    """Flat (row-major) int32 cells holding the sum of `value` over the spans covering their
    centre; span i covers columns [col_in, col_out) of its row. Drawn with a running sum along
    each row: +value where a span starts, -value where it ends (unless that is past the row)."""
    steps = np.zeros(grid.ny * grid.nx, np.int32)
    spans = col_in < col_out  # empty spans (between two centres) draw nothing
    np.add.at(steps, row[spans] * grid.nx + col_in[spans], value[spans])
    ends = spans & (col_out < grid.nx)
    np.add.at(steps, row[ends] * grid.nx + col_out[ends], -value[ends])
    np.cumsum(steps.reshape(grid.ny, grid.nx), axis=1, out=steps.reshape(grid.ny, grid.nx))
    return steps


def _overlap_pairs(grid, covers, parts):
    """(cell, part) candidates for cells whose centre several parts cover: the input overlaps
    there, so the cell's label means nothing and its points get the exact test against every part
    near it (the lowest index covering a point wins). Valid tilings have none or a few."""
    cells = np.flatnonzero(covers > 1)
    if not len(cells):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    rows, cols = np.divmod(cells, grid.nx)
    left, bottom = grid.x0 + cols * grid.size, grid.y0 + rows * grid.size
    boxes = shapely.box(left, bottom, left + grid.size, bottom + grid.size)
    boxes = shapely.buffer(boxes, _MARK_EPS, join_style="mitre")
    cell, part = shapely.STRtree(parts).query(boxes, predicate="intersects")
    return cells[cell], part


def _candidates(keys, n_parts):
    """The boundary cells (sorted) and, as CSR ranges into an array of parts, their candidates
    sorted by part — and so by owner, since parts keep the input order."""
    cells, parts = np.divmod(_distinct(keys), n_parts)
    start = np.flatnonzero(_first_of_runs(cells))
    count = np.diff(np.r_[start, len(cells)])
    return cells[start], start, count, parts


def _expand_ranges(lo, hi):
    """For ranges [lo, hi] (inclusive): (range index, value) for every value in every range."""
    counts = hi - lo + 1
    index = np.repeat(np.arange(len(lo)), counts)
    offsets = np.arange(len(index)) - np.repeat(np.cumsum(counts) - counts, counts)
    return index, lo[index] + offsets


def _pairs(start, count):
    """(point, candidate position) pairs for CSR ranges [start, start + count) per point."""
    point, offset = _expand_ranges(np.zeros_like(count), count - 1)
    return point, start[point] + offset


def _distinct(values):
    """Sorted distinct values (np.unique without its hash-table detour, ~10x faster here)."""
    values = np.sort(values)
    return values[_first_of_runs(values)]


def _first_of_runs(values):
    """True where a run of equal consecutive values starts."""
    return np.r_[True, values[1:] != values[:-1]] if len(values) else np.zeros(0, bool)
