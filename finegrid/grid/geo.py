"""Small geometry helpers in metres for WGS-84 lon/lat shapes of one district.

A district spans a few tens of kilometres, so a local equirectangular projection around the
shape's own latitude is accurate to well under 1 % — enough for tolerances and statistics."""

import math

import numpy as np
import shapely

METRES_PER_DEGREE_LAT = 110_574.0
METRES_PER_DEGREE_LON_AT_EQUATOR = 111_320.0


def to_metres(geometry, lat0: float | None = None):
    """The geometry in metres east/north of (0, lat0)."""
    if lat0 is None:
        lat0 = shapely.centroid(geometry).y if not geometry.is_empty else 0.0
    kx = METRES_PER_DEGREE_LON_AT_EQUATOR * math.cos(math.radians(lat0))
    return shapely.transform(geometry, lambda xy: xy * [kx, METRES_PER_DEGREE_LAT])


def area_m2(geometry, lat0: float | None = None) -> float:
    return float(shapely.area(to_metres(geometry, lat0)))


def areas_m2(geometries) -> np.ndarray:
    """Vectorised area in m² of an array of geometries, each projected at its own latitude."""
    geometries = np.asarray(geometries)
    if geometries.size == 0:
        return np.zeros(0)
    lat = shapely.get_y(shapely.centroid(geometries))
    lat = np.nan_to_num(lat)  # empty geometries have no centroid and no area either
    scale = METRES_PER_DEGREE_LAT * METRES_PER_DEGREE_LON_AT_EQUATOR * np.cos(np.radians(lat))
    return shapely.area(geometries) * scale
