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

from finegrid.grid import coords
from finegrid.grid.models import Grid, Region

from . import maps
from finegrid.grid.points import PointFinder

LEVELS = {"street": 9, "community": 12, "grid": 15}
SIMPLIFY_DEG = {"street": 0.0002, "community": 0.0001, "grid": 0.00004}  # ≈ 20, 10 and 4 m: 1–2 px at their zooms
MAX_CASES = 5000
TILE = 256


REGION_LEVELS = {"street": ("street", "town"), "community": ("community", "village")}
DECIMALS = 6  # ≈ 0.1 m: more digits only weigh the page
_shapes: dict = {}  # (level, grids' fingerprint) → the level's simplified shapes, made once per process


def _level_shapes(level: str) -> list[tuple]:
    """(code, name, simplified geometry, bounds, label point) of every area of `level`, kept for as
    long as the grids stand (grid.locate's fingerprint): simplifying 1,500 grids is most of the work."""
    from finegrid.grid.locate import fingerprint

    key = (level, fingerprint(), Region.objects.filter(level__in=REGION_LEVELS.get(level, ())).count())
    if key not in _shapes:
        rows = (Grid.objects.all() if level == "grid" else Region.objects.filter(level__in=REGION_LEVELS[level]))
        found = []
        for code, name, geometry in rows.order_by("code").values_list("code", "name", "geometry"):
            shape = Grid._meta.get_field("geometry").to_python(geometry) if geometry is not None else None
            if shape is not None:
                simple = shapely.set_precision(shapely.simplify(shape, SIMPLIFY_DEG[level], preserve_topology=True),
                                               10 ** -DECIMALS)
                point = shape.representative_point()
                found.append((code, name, simple, shape.bounds, (point.x, point.y)))
        if len(_shapes) > 12:  # old fingerprints: the grids were edited since
            _shapes.clear()
        _shapes[key] = found
    return _shapes[key]


def areas(level: str, cases, scope, measure: str, crs: str, now=None, view: tuple | None = None) -> dict:
    """Every area of `level` the scope reaches (and, given a WGS-84 `view`, that lies in it), with
    its count (the same count the offline map colours by), simplified and shifted onto the tiles."""
    length = LEVELS[level]
    district = Region.objects.filter(level="district").values_list("code", flat=True).first() or ""
    rows = [r for r in _level_shapes(level) if maps.reaches(scope, r[0]) and (view is None or _meets(r[3], view))]
    counts = maps.counts_by_child(cases, district, length, measure, now) if district and rows else {}
    top = max(counts.values(), default=0)
    features = []
    for code, name, simple, _bounds, point in rows:
        n = counts.get(code, 0)
        label = coords.from_wgs84(*point, crs)
        features.append(_feature(coords.shift_geometry(simple, crs), {
            "code": code, "name": name, "n": n, "fill": maps.colour(n, top),
            "label": [round(label[0], DECIMALS), round(label[1], DECIMALS)]}))
    return {"type": "FeatureCollection", "features": features, "top": top}


def _meets(bounds: tuple, view: tuple) -> bool:
    return bounds[0] <= view[2] and bounds[2] >= view[0] and bounds[1] <= view[3] and bounds[3] >= view[1]


def cases_in(view: tuple, zoom: int, cases, measure: str, crs: str, now=None) -> dict:
    """The open (or overdue) cases whose point lies in `view` (WGS-84 west, south, east, north),
    clustered as the offline map clusters them, in pixels at `zoom`. A case located by text is at
    its place's point (PointFinder), so it has a marker too."""
    west, south, east, north = view
    open_ = maps._open(cases, "", measure, now)
    fields = ("ticket", "lon", "lat", "address", "area_code", "title")
    # GPS points are filtered by the database; text-located cases are placed here, then filtered.
    rows = [*open_.filter(lon__gte=west, lon__lte=east, lat__gte=south, lat__lte=north).values_list(*fields)[:MAX_CASES],
            *open_.filter(lon__isnull=True).values_list(*fields)[:MAX_CASES]]
    finder = PointFinder()
    points = []
    for ticket, lon, lat, address, area_code, title in rows:
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
    if not isinstance(geometry, shapely.Point):  # the shift moved the points off the rounding
        geometry = shapely.set_precision(geometry, 10 ** -DECIMALS)
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
