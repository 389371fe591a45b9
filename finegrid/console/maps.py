"""The command centre's map, drawn on the server from the district's own boundaries (no tile
server): the children of one area (streets of the district, communities of a street, grids of a
community, micro-grids of a grid), coloured by their open or overdue cases, with case markers
clustered into one bubble per child, or per few pixels once the map shows single grids."""

from collections import Counter
from dataclasses import dataclass

import shapely
from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils import timezone

from finegrid.cases.actions import OPEN
from finegrid.cases.models import Case
from finegrid.grid.models import Grid, MicroGrid, Region
from finegrid.grid.svg import Frame

WIDTH = 900
DETAIL_PX = 0.8  # boundaries simplified to this many pixels
CLUSTER_PX = 28  # markers closer than this merge into one bubble
MAX_MARKERS = 5000  # a grid-level map reads at most this many case points
# From least to most: the fill of a child with no cases, then ever deeper reds.
RAMP = ["#e8f1f8", "#fde0c5", "#facba6", "#f8b58b", "#f59e72", "#f0746e", "#e14b5a", "#c0364a", "#9b2242"]
MEASURES = ("open", "overdue")


@dataclass
class Area:
    code: str
    name: str
    geometry: object
    href_code: str | None  # where a click leads; None at the bottom (micro-grids)


def children_of(code: str, scope) -> tuple[list[Area], int]:
    """The areas one level below `code` that the scope reaches into, and their code length."""
    if len(code) < 12:
        rows = Region.objects.filter(parent__code=code)
    elif len(code) == 12:
        rows = Grid.objects.filter(community__code=code)
    else:
        rows = MicroGrid.objects.filter(grid__code=code)
    bottom = len(code) >= 15
    areas = [Area(r.code, r.name, r.geometry, None if bottom else r.code)
             for r in rows.order_by("code") if r.geometry is not None and reaches(scope, r.code)]
    return areas, len(code) + 3


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
        return {"width": WIDTH, "height": 0, "paths": [], "bubbles": [], "top": 0}
    frame = Frame(shapely.total_bounds([a.geometry for a in areas]), WIDTH)
    points = None
    if length >= 15:  # grids or micro-grids: single cases, read once for the counts and the markers
        points = list(_open(cases, code, measure, now).values_list("area_code", "lon", "lat")[:MAX_MARKERS])
    if points is not None and len(points) < MAX_MARKERS:
        counts = Counter(area[:length] for area, _, _ in points)
    else:
        counts = counts_by_child(cases, code, length, measure, now)
    top = max(counts.values(), default=0)
    tolerance = DETAIL_PX / frame.scale
    paths, bubbles = [], []
    for area in areas:
        n = counts.get(area.code, 0)
        simple = shapely.simplify(area.geometry, tolerance, preserve_topology=True)
        paths.append({"d": frame.path(simple), "code": area.href_code, "name": area.name, "n": n,
                      "fill": colour(n, top)})
        if n and points is None:
            point = area.geometry.representative_point()
            bubbles.append(_bubble(frame.x(point.x), frame.y(point.y), n, area.href_code))
    if points is not None:
        bubbles = _point_clusters([(lon, lat) for _, lon, lat in points if lon is not None], frame)
    return {"width": frame.width, "height": frame.height, "paths": paths, "bubbles": bubbles, "top": top}


def _open(cases, code: str, measure: str, now):
    rows = cases.filter(state__in=OPEN, area_code__gte=code, area_code__lte=code.ljust(18, "9"))
    if measure == "overdue":
        rows = rows.filter(~Q(state=Case.State.PARKED), due_at__lt=now)
    return rows


def _bubble(x: float, y: float, n: int, code: str | None) -> dict:
    return {"x": round(x, 1), "y": round(y, 1), "n": n, "r": round(8 + min(16, n ** 0.5), 1), "code": code}


def _point_clusters(points: list[tuple[float, float]], frame: Frame) -> list[dict]:
    """Single cases binned into CLUSTER_PX cells, so close ones share a bubble."""
    bins: dict[tuple, list] = {}
    for lon, lat in points:
        x, y = frame.x(lon), frame.y(lat)
        bins.setdefault((int(x // CLUSTER_PX), int(y // CLUSTER_PX)), []).append((x, y))
    return [_bubble(sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts), len(pts), None)
            for pts in bins.values()]


def trail(code: str) -> list[Region | Grid]:
    """The areas from the district down to `code`, for the breadcrumbs."""
    region_codes = [code[:n] for n in (6, 9, 12) if len(code) >= n]
    found = list(Region.objects.filter(code__in=region_codes).order_by("code"))
    if len(code) >= 15:
        found += list(Grid.objects.filter(code=code[:15]))
    return found
