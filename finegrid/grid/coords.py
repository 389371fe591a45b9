"""The three coordinate systems a Chinese district meets, and the conversions between them.

finegrid stores every point in WGS-84 (what GPS gives). Maps published in China are offset:
高德, 腾讯 and Google's China tiles are drawn in GCJ-02 (the national "Mars" obfuscation,
GB/T 20263 as implemented publicly), 百度 in BD-09 (a further rotation of GCJ-02 of its own);
天地图 is CGCS2000, which is WGS-84 to well under a metre at district scale. A phone map app
hands out points in its own system, so a channel that declares one has it converted here on the
way in, and a map drawn on GCJ-02 or BD-09 tiles has its overlays shifted here on the way out.

The forward transforms are closed formulas; the inverses have none and are solved by iterating
the forward one (a fixed point that converges to centimetres in a few steps). Outside China the
offset is not applied, as the national rule and every map vendor do. Pure functions, no Django."""

import math

WGS84, GCJ02, BD09 = "wgs84", "gcj02", "bd09"
SYSTEMS = (WGS84, GCJ02, BD09)
# Names a channel may use for a system (what app SDKs and Open311 clients send).
ALIASES = {"wgs84": WGS84, "wgs-84": WGS84, "wgs": WGS84, "gps": WGS84, "cgcs2000": WGS84, "epsg:4326": WGS84,
           "gcj02": GCJ02, "gcj-02": GCJ02, "gcj": GCJ02, "mars": GCJ02, "amap": GCJ02, "gaode": GCJ02,
           "bd09": BD09, "bd-09": BD09, "bd09ll": BD09, "baidu": BD09}

_A = 6378245.0  # the Krasovsky 1940 semi-major axis GCJ-02 uses
_EE = 0.00669342162296594323  # and its first eccentricity squared
_X_PI = math.pi * 3000.0 / 180.0  # BD-09's rotation constant
_INVERSE_STEPS = 30
_INVERSE_TOLERANCE = 1e-9  # degrees: about a tenth of a millimetre


def system_of(name: str | None) -> str:
    """The canonical name of a coordinate system a channel declared; WGS-84 when it declared none.
    ValueError for a name that is none of them (a channel must not guess)."""
    if not name:
        return WGS84
    found = ALIASES.get(str(name).strip().lower())
    if found is None:
        raise ValueError(name)
    return found


def out_of_china(lon: float, lat: float) -> bool:
    """The rough box every implementation uses: no offset is applied outside it."""
    return not (72.004 <= lon <= 137.8347 and 0.8293 <= lat <= 55.8271)


def _offset(lon: float, lat: float) -> tuple[float, float]:
    """GCJ-02's offset at a WGS-84 point, in degrees of (longitude, latitude)."""
    x, y = lon - 105.0, lat - 35.0
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    waves = (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    dlat += waves + (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    dlat += (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    dlon += waves + (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    dlon += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    radlat = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(radlat) ** 2
    sqrtmagic = math.sqrt(magic)
    dlat = dlat * 180.0 / ((_A * (1 - _EE)) / (magic * sqrtmagic) * math.pi)
    dlon = dlon * 180.0 / (_A / sqrtmagic * math.cos(radlat) * math.pi)
    return dlon, dlat


def wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    if out_of_china(lon, lat):
        return lon, lat
    dlon, dlat = _offset(lon, lat)
    return lon + dlon, lat + dlat


def gcj02_to_bd09(lon: float, lat: float) -> tuple[float, float]:
    z = math.hypot(lon, lat) + 0.00002 * math.sin(lat * _X_PI)
    theta = math.atan2(lat, lon) + 0.000003 * math.cos(lon * _X_PI)
    return z * math.cos(theta) + 0.0065, z * math.sin(theta) + 0.006


def bd09_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    """BD-09's published inverse is itself approximate (centimetres); polished by iteration."""
    x, y = lon - 0.0065, lat - 0.006
    z = math.hypot(x, y) - 0.00002 * math.sin(y * _X_PI)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * _X_PI)
    return _invert(gcj02_to_bd09, lon, lat, (z * math.cos(theta), z * math.sin(theta)))


def gcj02_to_wgs84(lon: float, lat: float) -> tuple[float, float]:
    if out_of_china(lon, lat):
        return lon, lat
    return _invert(wgs84_to_gcj02, lon, lat, (lon, lat))


def _invert(forward, lon: float, lat: float, guess: tuple[float, float]) -> tuple[float, float]:
    """The point p with forward(p) == (lon, lat): each step moves p by the error forward(p) leaves,
    which converges because the offsets change slowly across the map."""
    x, y = guess
    for _ in range(_INVERSE_STEPS):
        fx, fy = forward(x, y)
        ex, ey = lon - fx, lat - fy
        x, y = x + ex, y + ey
        if abs(ex) < _INVERSE_TOLERANCE and abs(ey) < _INVERSE_TOLERANCE:
            break
    return x, y


_TO_WGS = {
    WGS84: lambda lon, lat: (lon, lat),
    GCJ02: gcj02_to_wgs84,
    BD09: lambda lon, lat: gcj02_to_wgs84(*bd09_to_gcj02(lon, lat)),
}
_FROM_WGS = {
    WGS84: lambda lon, lat: (lon, lat),
    GCJ02: wgs84_to_gcj02,
    BD09: lambda lon, lat: gcj02_to_bd09(*wgs84_to_gcj02(lon, lat)),
}


def to_wgs84(lon: float, lat: float, system: str) -> tuple[float, float]:
    """A point given in `system` (a canonical name), in WGS-84: what is stored."""
    return _TO_WGS[system](lon, lat)


def from_wgs84(lon: float, lat: float, system: str) -> tuple[float, float]:
    """A stored WGS-84 point where it is drawn on tiles of `system`."""
    return _FROM_WGS[system](lon, lat)


def shift_geometry(geometry, system: str):
    """A shapely geometry moved from WGS-84 onto tiles of `system` (the same object for WGS-84)."""
    if system == WGS84:
        return geometry
    import shapely

    return shapely.transform(geometry, lambda xy: _shift_array(xy, system))


def _shift_array(xy, system: str):
    import numpy as np

    out = np.empty_like(xy)
    for i, (lon, lat) in enumerate(xy):
        out[i] = from_wgs84(float(lon), float(lat), system)
    return out


def metres_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    """The great-circle distance of two lon/lat points, in metres (haversine)."""
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371008.8 * math.asin(math.sqrt(h))
