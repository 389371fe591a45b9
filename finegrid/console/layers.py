"""The map's overlays as GeoJSON, for the base-map view (console/static/console/basemap.js):
the areas of one level (streets, communities or grids) with their open or overdue counts, the
cases in view clustered at the map's zoom, and the sensor sites — each narrowed to the viewer's
scope by the same functions the server-drawn map uses (maps.reaches, the desk's cases,
Scope.filter). Points and shapes are stored in WGS-84 and shifted here onto the tiles' system
(GCJ-02 for 高德, BD-09 for 百度), so the page draws what it is given."""

import math

import shapely
from django.apps import apps
from django.urls import reverse

from finegrid.cases.models import Case
from finegrid.grid import coords
from finegrid.grid.models import Grid, Region

from . import maps
from finegrid.grid.points import PointFinder

LEVELS = {"street": 9, "community": 12, "grid": 15}
SIMPLIFY_DEG = {"street": 0.0001, "community": 0.00005, "grid": 0.00002}  # ≈ 10, 5 and 2 m
MAX_CASES = 5000
TILE = 256


def _rows(level: str):
    if level == "grid":
        return Grid.objects.only("code", "name", "geometry")
    return Region.objects.filter(level=level).only("code", "name", "geometry")


def areas(level: str, cases, scope, measure: str, crs: str, now=None) -> dict:
    """Every area of `level` the scope reaches, with its count (the same count the offline map
    colours by), simplified for the screen and shifted onto the tiles."""
    length = LEVELS[level]
    district = Region.objects.filter(level="district").values_list("code", flat=True).first() or ""
    counts = maps.counts_by_child(cases, district, length, measure, now) if district else {}
    rows = [r for r in _rows(level).order_by("code") if r.geometry is not None and maps.reaches(scope, r.code)]
    top = max((counts.get(r.code, 0) for r in rows), default=0)
    features = []
    for row in rows:
        n = counts.get(row.code, 0)
        shape = coords.shift_geometry(shapely.simplify(row.geometry, SIMPLIFY_DEG[level], preserve_topology=True), crs)
        label = coords.from_wgs84(*_point(row.geometry.representative_point()), crs)
        features.append(_feature(shape, {"code": row.code, "name": row.name, "n": n, "fill": maps.colour(n, top),
                                         "label": [round(label[0], 6), round(label[1], 6)]}))
    return {"type": "FeatureCollection", "features": features, "top": top}


def cases_in(view: tuple, zoom: int, cases, measure: str, crs: str, now=None) -> dict:
    """The open (or overdue) cases whose point lies in `view` (WGS-84 west, south, east, north),
    clustered as the offline map clusters them, in pixels at `zoom`. A case located by text is at
    its place's point (PointFinder), so it has a marker too."""
    west, south, east, north = view
    rows = maps._open(cases, "", measure, now).values_list("ticket", "lon", "lat", "address", "area_code", "title")
    finder = PointFinder()
    points = []
    for ticket, lon, lat, address, area_code, title in rows[:MAX_CASES]:
        where = (lon, lat) if lon is not None and lat is not None else finder.point(address or title, area_code)
        if where is None or not (west <= where[0] <= east and south <= where[1] <= north):
            continue
        x, y = _pixels(*where, zoom)
        points.append((x, y, area_code, ticket, where))
    features = []
    for group in maps._clusters(points):
        lon = sum(p[4][0] for p in group) / len(group)
        lat = sum(p[4][1] for p in group) / len(group)
        shown = coords.from_wgs84(lon, lat, crs)
        props = {"n": len(group)}
        if len(group) == 1:
            props["href"] = reverse("console:case", args=[group[0][3]])
            props["ticket"] = group[0][3]
        else:
            area = maps._common_prefix([p[2] for p in group if p[2]] or [""])
            props["href"] = f"{reverse('console:cases')}?{maps.list_query(area, measure)}"
        features.append(_feature(shapely.Point(shown), props))
    return {"type": "FeatureCollection", "features": features}


def sites(scope, crs: str) -> dict:
    """The sensor sites of the scope, with their worst active alarm (None without the sensing app)."""
    if not apps.is_installed("finegrid.sensing"):
        return {"type": "FeatureCollection", "features": []}
    from finegrid.sensing import queries

    features = []
    for site in scope.filter(queries.sites(""), field="area_code"):
        shown = coords.from_wgs84(site.lon, site.lat, crs)
        features.append(_feature(shapely.Point(shown), {
            "code": site.code, "name": site.name, "alarms": site.active_alarms, "worst": site.worst,
            "href": reverse("sensing:site", args=[site.code])}))
    return {"type": "FeatureCollection", "features": features}


def _pixels(lon: float, lat: float, zoom: int) -> tuple[float, float]:
    """Web Mercator pixels at `zoom`: what the map's eye sees, so clusters match the screen."""
    size = TILE * 2 ** zoom
    siny = min(max(math.sin(math.radians(lat)), -0.9999), 0.9999)
    return (lon + 180) / 360 * size, (0.5 - math.log((1 + siny) / (1 - siny)) / (4 * math.pi)) * size


def _point(point) -> tuple[float, float]:
    return point.x, point.y


def _feature(geometry, properties: dict) -> dict:
    return {"type": "Feature", "geometry": shapely.geometry.mapping(geometry), "properties": properties}


def view_of(scope, crs: str) -> list[float]:
    """West, south, east, north of the viewer's areas on the tiles: where the map opens."""
    district = Region.objects.filter(level="district").first()
    if district is None:
        return [0.0, 0.0, 0.0, 0.0]
    shapes = [a.geometry for a in maps.children_of(district.code, scope)[0]]
    if not shapes and district.geometry is not None:
        shapes = [district.geometry]
    west, south, east, north = shapely.total_bounds(shapes)
    (west, south), (east, north) = coords.from_wgs84(west, south, crs), coords.from_wgs84(east, north, crs)
    return [round(v, 6) for v in (west, south, east, north)]


def page_config(basemap, scope, measure: str) -> dict:
    """What command_map.js reads: the tiles, the overlays' addresses, where to open, its words."""
    from django.utils.translation import gettext as _

    return {"basemap": basemap.for_page(), "measure": measure, "bounds": view_of(scope, basemap.crs),
            "urls": {"areas": reverse("console:map_areas"), "cases": reverse("console:map_cases"),
                     "sites": reverse("console:map_sites")},
            "words": {"areas": _("Areas"), "cases": _("Cases"), "sites": _("Sensor sites"), "open": _("Open")}}
