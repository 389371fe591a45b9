"""The base map's overlays (console/layers.py) as GeoJSON, for the command centre's map when the
district configured tiles. The same people as the map itself (COMMAND_ROLES), each seeing their
own scope. Without a base map they answer in WGS-84 (for a GIS client; the page draws offline)."""

from django.http import Http404, JsonResponse
from django.views.decorators.http import require_GET

from finegrid.core.basemap import current

from .. import layers, maps
from ..access import COMMAND_ROLES, desk_required

MAX_ZOOM = 22


def _crs() -> str:
    """The system the tiles are drawn in, which the overlays are shifted onto."""
    basemap = current()
    return basemap.crs if basemap is not None else "wgs84"


def _measure(request) -> str:
    return request.GET.get("measure") if request.GET.get("measure") in maps.MEASURES else "open"


def _json(data) -> JsonResponse:
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "separators": (",", ":")})
    response["Cache-Control"] = "private, no-store"  # cases move; another user's scope differs
    return response


@require_GET
@desk_required(COMMAND_ROLES)
def areas(request):
    level = request.GET.get("level", "street")
    if level not in layers.LEVELS:
        raise Http404
    crs = _crs()
    view = _bbox(request)  # the grid level is asked for the view only: 1,500 grids are megabytes
    view = _view_in_wgs84(view, crs) if view else None
    return _json(layers.areas(level, request.desk.cases(), request.desk.scope, _measure(request), crs, view=view))


def _bbox(request) -> tuple | None:
    try:
        view = tuple(float(part) for part in request.GET.get("bbox", "").split(","))
    except ValueError:
        return None
    return view if len(view) == 4 else None


@require_GET
@desk_required(COMMAND_ROLES)
def cases(request):
    crs = _crs()
    try:
        view = tuple(float(part) for part in request.GET.get("bbox", "").split(","))
        zoom = int(request.GET.get("zoom", "14"))
    except ValueError:
        view, zoom = (), 0
    if len(view) != 4 or not 0 <= zoom <= MAX_ZOOM:
        return _json({"type": "FeatureCollection", "features": [], "error": "bbox=west,south,east,north&zoom=z"})
    return _json(layers.cases_in(_view_in_wgs84(view, crs), zoom, request.desk.cases(), _measure(request), crs))


def _view_in_wgs84(view: tuple, crs: str) -> tuple:
    """The page's bounds are in the tiles' system: widened to WGS-84 by converting both corners."""
    from finegrid.grid import coords

    west, south = coords.to_wgs84(view[0], view[1], crs)
    east, north = coords.to_wgs84(view[2], view[3], crs)
    return west, south, east, north


@require_GET
@desk_required(COMMAND_ROLES)
def sites(request):
    return _json(layers.sites(request.desk.scope, _crs()))
