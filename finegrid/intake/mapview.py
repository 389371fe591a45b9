"""The maps of the resident and patrol pages on the district's base map, and the address search
that moves a resident's pin.

A map shown to the PUBLIC uses only an approved base map (core/basemap.py: a 审图号 configured,
or 天地图's own) and draws no generated grid or street shape on it — the tiles and the pin only:
the district's working grids are not the official administrative boundaries. Without an approved
map the page keeps its offline sketch, labelled as a sketch. The patrol page is staff's: the
worker's own grids over the tiles, and the worker's own position."""

import shapely
from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from finegrid.core.basemap import current as current_basemap
from finegrid.core.throttle import Limit, allow, client_address
from finegrid.grid import coords
from finegrid.grid.gazetteer import current_gazetteer
from finegrid.grid.locate import current_index
from finegrid.grid.models import Place, Region
from finegrid.grid.points import case_point
from finegrid.grid.svg import Frame, map_paths

from .where import district_name

MAX_PLACES = 8
QUERY_MAX = 100
SEARCHES_BY_ADDRESS = Limit("place-search", 300, 600)  # a resident types, and searches, a few times


def _district_view(crs: str) -> list[float]:
    district = Region.objects.filter(level=Region.Level.DISTRICT, geometry__isnull=False).first()
    if district is None:
        return []
    west, south, east, north = district.geometry.bounds
    (west, south), (east, north) = coords.from_wgs84(west, south, crs), coords.from_wgs84(east, north, crs)
    return [round(v, 6) for v in (west, south, east, north)]


def resident_map() -> dict:
    """What the resident page's script reads: the address search, its words, and the approved
    base map with the district's view (None without one: the page keeps its offline sketch)."""
    basemap = current_basemap()
    config = {"search": reverse("intake-places"), "basemap": None, "view": [],
              "words": {"outside": _("This point is outside %(district)s.") % {"district": district_name()},
                        "which": _("Did you mean:"), "type": _("Type the address above to find it on the map."),
                        "none": _("No place of that name was found."), "pin": _("Your report is here")}}
    if basemap is not None and basemap.public:
        config.update(basemap=basemap.for_page(), view=_district_view(basemap.crs))
    return config


def prefilled_point(query) -> dict:
    """?lon=&lat=&coords=gcj02 on the report page's address (a phone map app's link, in its own
    system) → the form's WGS-84 lon/lat; {} when absent or unreadable."""
    try:
        lon, lat = float(query["lon"]), float(query["lat"])
        system = coords.system_of(query.get("coords"))
    except (KeyError, ValueError):
        return {}
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        return {}
    lon, lat = coords.to_wgs84(lon, lat, system)
    return {"lon": f"{lon:.6f}", "lat": f"{lat:.6f}"}


def public_pin(case) -> dict | None:
    """A case's pin alone on the approved base map (the tracked report's page), or None."""
    basemap = current_basemap()
    point = case_point(case) if basemap is not None and basemap.public else None
    if point is None:
        return None
    shown = coords.from_wgs84(point[0], point[1], basemap.crs)
    return {"basemap": basemap.for_page(), "pin": [round(shown[0], 7), round(shown[1], 7)]}


def patrol_map(grids, micros) -> dict | None:
    """The patrol page's map on the tiles (any configured base map: the page is staff's), or None."""
    basemap = current_basemap()
    if basemap is None:
        return None
    crs = basemap.crs
    features = [{"type": "Feature", "properties": {"title": f"{a.name} {a.code}", "grid": len(a.code) == 15},
                 "geometry": shapely.geometry.mapping(coords.shift_geometry(a.geometry, crs))}
                for a in [*micros, *grids] if a.geometry is not None]
    return {"basemap": basemap.for_page(), "areas": {"type": "FeatureCollection", "features": features},
            "words": {"me": _("You are here"), "nogps": _("No GPS fix yet.")}}


def patrol_sketch(shapes, width: int = 360) -> dict:
    """The offline patrol map (grid/svg.py) with the frame patrol_map.js places the worker's dot by."""
    drawn = map_paths(shapes, width=width)
    if not shapes:
        return drawn
    frame = Frame(shapely.total_bounds([s.geometry for s in shapes]), width)
    return {**drawn, "minx": frame.minx, "maxy": frame.maxy, "kx": frame.kx, "scale": frame.scale}


def _place_json(place: Place, index, streets: dict, crs: str) -> dict:
    shown = coords.from_wgs84(place.lon, place.lat, crs)
    street = streets.get(place.street_codes[0], "") if place.street_codes else ""
    return {"name": place.name, "kind": place.get_kind_display(), "street": street, "lon": place.lon, "lat": place.lat,
            "at": [round(shown[0], 7), round(shown[1], 7)], "inside": index.locate(place.lon, place.lat).grid_code is not None}


def places_named(text: str) -> list[Place]:
    """The gazetteer's places a resident's words name, most specific first (as the gazetteer
    ranks them), then places whose name contains the words (a half-typed "个园")."""
    mentions = sorted(current_gazetteer().mentions(text), key=lambda m: m.rank, reverse=True)
    found, seen = [], set()
    for place in [m.place for m in mentions] + list(Place.objects.filter(name__contains=text)[:MAX_PLACES]):
        if place.pk not in seen:
            seen.add(place.pk)
            found.append(place)
    return found[:MAX_PLACES]


@require_GET
def places(request):
    """?q=words → the places they name; ?lon=&lat= (WGS-84) → whether that point is inside the
    district. Public: the resident page asks as the resident types or drops the pin."""
    if not allow(SEARCHES_BY_ADDRESS, client_address(request)):
        return JsonResponse({"error": _("too many searches: try again in a few minutes")}, status=429)
    basemap = current_basemap()
    crs = basemap.crs if basemap is not None else coords.WGS84
    index = current_index()
    answer: dict = {"inside": None, "places": []}
    try:
        lon, lat = float(request.GET["lon"]), float(request.GET["lat"])
    except (KeyError, ValueError):
        pass
    else:
        answer["inside"] = index.locate(lon, lat).grid_code is not None
    text = request.GET.get("q", "").strip()[:QUERY_MAX]
    if len(text) >= 2:
        streets = dict(Region.objects.filter(level="street").values_list("code", "name"))
        answer["places"] = [_place_json(p, index, streets, crs) for p in places_named(text)]
    return JsonResponse(answer, json_dumps_params={"ensure_ascii": False})
