"""The command centre's map, drawn on the server from the district's own boundaries (no tile
server). Each zoom level is one level of the hierarchy — district → streets → communities →
grids → micro-grids: the map shows the children of one area, coloured by their open or overdue
cases, with the next level's boundaries drawn faintly inside them (what a click or a scroll
zooms into), names on the areas large enough to carry one, and case markers clustered into one
bubble per child, or per few pixels once the map shows single grids. Every bubble leads on: to
the area it counts, to the case list of a micro-grid, or to the one case it stands for."""

from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlencode

import shapely
from django.db.models import Count
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from finegrid.cases.states import RUNNING
from finegrid.grid.models import Grid, MicroGrid, Region
from finegrid.grid.points import PointFinder
from finegrid.grid.svg import Frame

WIDTH = 900
DETAIL_PX = 0.8  # boundaries simplified to this many pixels
CLUSTER_PX = 28  # markers closer than this merge into one bubble
MAX_MARKERS = 5000  # a grid-level map reads at most this many case points
MAX_OUTLINES = 600  # the next level's boundaries are drawn when there are at most this many
LABEL_PX = 70  # an area gets its name printed when its box is at least this wide on the map
# The name of each zoom level by the length of the codes it shows.
LEVELS = {9: _("streets and towns"), 12: _("communities and villages"), 15: _("grids"), 18: _("micro-grids")}
# From least to most: the fill of a child with no cases, then ever deeper reds.
RAMP = ["#e8f1f8", "#fde0c5", "#facba6", "#f8b58b", "#f59e72", "#f0746e", "#e14b5a", "#c0364a", "#9b2242"]
MEASURES = ("open", "overdue")


@dataclass
class Area:
    code: str
    name: str
    geometry: object
    href_code: str | None  # where a click leads; None at the bottom (micro-grids)


def _rows_below(code: str):
    """The areas one level below `code`, as a queryset."""
    if len(code) < 12:
        return Region.objects.filter(parent__code=code)
    if len(code) == 12:
        return Grid.objects.filter(community__code=code)
    return MicroGrid.objects.filter(grid__code=code)


def children_of(code: str, scope) -> tuple[list[Area], int]:
    """The areas one level below `code` that the scope reaches into, and their code length."""
    rows = _rows_below(code)
    bottom = len(code) >= 15
    areas = [Area(r.code, r.name, r.geometry, None if bottom else r.code)
             for r in rows.order_by("code") if r.geometry is not None and reaches(scope, r.code)]
    return areas, len(code) + 3


def grandchildren_outlines(areas: list[Area], frame: Frame, tolerance: float) -> list[str]:
    """The boundaries one level further down (communities on the streets' map …), as thin lines:
    what the next zoom level will show. One query; none at the bottom or when too many."""
    codes = [a.code for a in areas if a.href_code]
    if not codes:
        return []
    length = len(codes[0])
    if length < 12:
        rows = Region.objects.filter(parent__code__in=codes)
    elif length == 12:
        rows = Grid.objects.filter(community__code__in=codes)
    else:
        rows = MicroGrid.objects.filter(grid__code__in=codes)
    geometries = [g for g in rows.values_list("geometry", flat=True)[:MAX_OUTLINES + 1] if g is not None]
    if len(geometries) > MAX_OUTLINES:
        return []
    return [frame.path(shapely.simplify(g, tolerance, preserve_topology=True)) for g in geometries]


def reaches(scope, code: str) -> bool:
    """True when the scope covers the area `code` or a part of it (a grid worker's street)."""
    if scope.covers_code(code):
        return True
    return any(part.startswith(code) for part in scope.code_prefixes | scope.grid_codes)


def counts_by_child(cases, code: str, length: int, measure: str, now) -> Counter:
    """Open (or overdue) cases under `code`, counted per child code, in one grouped query."""
    rows = _open(cases, code, measure, now).annotate(child=Substr("area_code", 1, length))
    return Counter({row["child"]: row["n"] for row in rows.values("child").annotate(n=Count("id")).order_by()})


def colour(n: int, top: int) -> str:
    if n <= 0 or top <= 0:
        return RAMP[0]
    return RAMP[1 + min(len(RAMP) - 2, int((len(RAMP) - 1) * n / (top + 1)))]


def draw(code: str, cases, scope, measure: str = "open", now=None) -> dict:
    """Everything the map template needs: size, one path per child with its count, and bubbles."""
    now = now or timezone.now()
    areas, length = children_of(code, scope)
    if not areas:
        return {"width": WIDTH, "height": 0, "paths": [], "bubbles": [], "top": 0, "outlines": [], "labels": [],
                "level": LEVELS.get(length, "")}
    frame = Frame(shapely.total_bounds([a.geometry for a in areas]), WIDTH)
    points = None
    if length >= 15:  # grids or micro-grids: single cases, read once for the counts and the markers
        points = _with_points(_open(cases, code, measure, now)
                              .values_list("area_code", "lon", "lat", "ticket", "address", "title")[:MAX_MARKERS])
    if points is not None and len(points) < MAX_MARKERS:
        counts = Counter(row[0][:length] for row in points)
    else:
        counts = counts_by_child(cases, code, length, measure, now)
    top = max(counts.values(), default=0)
    tolerance = DETAIL_PX / frame.scale
    paths, bubbles, labels = [], [], []
    for area in areas:
        n = counts.get(area.code, 0)
        simple = shapely.simplify(area.geometry, tolerance, preserve_topology=True)
        paths.append({"d": frame.path(simple), "code": area.href_code, "name": area.name, "n": n,
                      "fill": colour(n, top)})
        point = area.geometry.representative_point()
        if n and points is None:
            bubbles.append(_bubble(frame.x(point.x), frame.y(point.y), n, area.href_code))
        minx, _miny, maxx, _maxy = area.geometry.bounds
        if (maxx - minx) * frame.kx * frame.scale >= LABEL_PX:
            labels.append({"x": round(frame.x(point.x), 1), "y": round(frame.y(point.y) + 18, 1), "name": area.name})
    if points is not None:
        bubbles = _point_clusters([p for p in points if p[1] is not None], frame, length, measure)
    return {"width": frame.width, "height": frame.height, "paths": paths, "bubbles": bubbles, "top": top,
            "outlines": grandchildren_outlines(areas, frame, tolerance), "labels": labels,
            "level": LEVELS.get(length, "")}


def _with_points(rows) -> list[tuple]:
    """(area code, lon, lat, ticket) per case; a case located by text alone is at the place its
    address names (grid/points.py), so it has its marker too."""
    finder = PointFinder()
    found = []
    for area, lon, lat, ticket, address, title in rows:
        if lon is None or lat is None:
            lon, lat = finder.point(address or title, area) or (None, None)
        found.append((area, lon, lat, ticket))
    return found


def _open(cases, code: str, measure: str, now):
    rows = cases.filter(state__in=RUNNING, area_code__gte=code, area_code__lte=code.ljust(18, "9"))
    if measure == "overdue":
        rows = rows.filter(due_at__lt=now)
    return rows


def _bubble(x: float, y: float, n: int, code: str | None, href: str = "") -> dict:
    return {"x": round(x, 1), "y": round(y, 1), "n": n, "r": round(8 + min(16, n ** 0.5), 1), "code": code,
            "href": href}


def _point_clusters(points: list[tuple], frame: Frame, length: int, measure: str = "open") -> list[dict]:
    """Single cases (area code, lon, lat, ticket) binned into CLUSTER_PX cells, so close ones
    share a bubble. A lone case leads to its page; a cluster inside one grid zooms into that grid,
    and any other cluster opens the case list of the area all its cases share."""
    bubbles = []
    for pts in _clusters([(frame.x(lon), frame.y(lat), area, ticket) for area, lon, lat, ticket in points]):
        x, y = sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts)
        children = {p[2][:length] for p in pts}
        if len(pts) == 1:
            bubbles.append(_bubble(x, y, 1, None, reverse("console:case", args=[pts[0][3]])))
        elif length == 15 and len(children) == 1:
            bubbles.append(_bubble(x, y, len(pts), children.pop()))
        else:
            area = _common_prefix([p[2] for p in pts])
            bubbles.append(_bubble(x, y, len(pts), None, f"{reverse('console:cases')}?{list_query(area, measure)}"))
    return bubbles


def _clusters(points: list[tuple]) -> list[list[tuple]]:
    """Points (x, y, …) binned into CLUSTER_PX cells; a cell whose points lie within CLUSTER_PX
    of a neighbouring cell's cluster joins it, so two cases a pixel apart across a cell's edge
    still share one bubble."""
    bins: dict[tuple, list] = {}
    for point in points:
        bins.setdefault((int(point[0] // CLUSTER_PX), int(point[1] // CLUSTER_PX)), []).append(point)
    placed: dict[tuple, list] = {}
    clusters = []
    for (bx, by), pts in bins.items():
        cx, cy = _centre(pts)
        near = next((c for dx in (-1, 0, 1) for dy in (-1, 0, 1) if (c := placed.get((bx + dx, by + dy)))
                     and _distance(_centre(c), (cx, cy)) < CLUSTER_PX), None)
        if near is None:
            near = []
            clusters.append(near)
        near.extend(pts)
        placed[(bx, by)] = near
    return clusters


def _centre(points: list[tuple]) -> tuple[float, float]:
    return sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points)


def _distance(a: tuple, b: tuple) -> float:
    return ((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) ** 0.5


def list_query(area: str, measure: str) -> str:
    """The case list's query string for the cases a map counts in `area`."""
    if measure == "overdue":
        return urlencode({"area": area, "overdue": "true"})
    return urlencode([("area", area), *(("state", state) for state in sorted(RUNNING))])


def _common_prefix(codes: list[str]) -> str:
    """The longest whole area code (street, community, grid, micro-grid) all `codes` start with."""
    shortest = min(codes, key=len)
    for length in (18, 15, 12, 9, 6):
        if len(shortest) >= length and all(c.startswith(shortest[:length]) for c in codes):
            return shortest[:length]
    return ""


def trail(code: str) -> list[Region | Grid]:
    """The areas from the district down to `code`, for the breadcrumbs."""
    region_codes = [code[:n] for n in (6, 9, 12) if len(code) >= n]
    found = list(Region.objects.filter(code__in=region_codes).order_by("code"))
    if len(code) >= 15:
        found += list(Grid.objects.filter(code=code[:15]))
    return found
