"""Reading and writing grid files (GeoJSON FeatureCollections, WGS-84 lon/lat).

Each feature's properties: `level` (district, street, town, community, village, grid, microgrid),
`code`, `name`; grids also `kind`, `households`, `population`; micro-grids `households`,
`population`. The exporter writes exactly what the importer reads, so files round-trip."""

import json
import math

import shapely
from django.utils.translation import gettext as _

from .records import CODE_LENGTH, REGION_LEVELS, FeatureRecord
from .validation import Problem

COORDINATE_DIGITS = 7  # 1e-7 degree ≈ 1 cm: finer than any survey of a grid boundary


def read_records(text: str) -> tuple[list[FeatureRecord], list[Problem]]:
    """Parse a FeatureCollection. Features that cannot be read become Problems, not exceptions."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        return [], [Problem(0, "", "json", _("not valid JSON: %(error)s") % {"error": error})]
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        return [], [Problem(0, "", "json", _("the file must be a GeoJSON FeatureCollection"))]
    features = document.get("features")
    if not isinstance(features, list):
        return [], [Problem(0, "", "json", _("the FeatureCollection has no list of features"))]
    records, problems = [], []
    for index, feature in enumerate(features, start=1):
        record, problem = _read_feature(index, feature)
        records.append(record) if record else problems.append(problem)
    return records, problems


def _read_feature(index: int, feature) -> tuple[FeatureRecord | None, Problem | None]:
    props = feature.get("properties") if isinstance(feature, dict) else None
    if not isinstance(props, dict):
        return None, Problem(index, "", "feature", _("the feature has no properties"))
    code = str(props.get("code") or "").strip()
    level = str(props.get("level") or "").strip()
    if level not in CODE_LENGTH:
        message = _("unknown level %(level)r; use one of %(levels)s") % {
            "level": level, "levels": ", ".join(CODE_LENGTH)
        }
        return None, Problem(index, code, "level", message)
    counts, problem = _read_counts(index, code, props)
    if problem:
        return None, problem
    geometry, problem = _read_geometry(index, code, feature.get("geometry"))
    if problem and level in REGION_LEVELS and feature.get("geometry") is None:
        geometry, problem = None, None  # a region may be listed without its boundary
    if problem:
        return None, problem
    name = str(props.get("name") or "").strip()
    return FeatureRecord(index, level, code, name, geometry, str(props.get("kind") or "general"), **counts), None


def _read_counts(index: int, code: str, props: dict) -> tuple[dict, Problem | None]:
    counts = {}
    for key in ("households", "population"):
        value = props.get(key, 0)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            return {}, Problem(index, code, "count", _("%(key)s must be a number") % {"key": key})
        if value < 0 or value != int(value):
            return {}, Problem(index, code, "count", _("%(key)s must be a whole number ≥ 0") % {"key": key})
        counts[key] = int(value)
    return counts, None


def _read_geometry(index: int, code: str, geometry) -> tuple[object, Problem | None]:
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        return None, Problem(index, code, "geometry", _("the geometry must be a Polygon or MultiPolygon"))
    try:
        shape = shapely.from_geojson(json.dumps(geometry))
    except (shapely.errors.GEOSException, ValueError) as error:
        return None, Problem(index, code, "geometry", _("unreadable geometry: %(error)s") % {"error": error})
    coords = shapely.get_coordinates(shape)
    if len(coords) == 0 or not all(map(math.isfinite, coords.ravel())):
        return None, Problem(index, code, "geometry", _("the geometry has no usable coordinates"))
    if (abs(coords[:, 0]) > 180).any() or (abs(coords[:, 1]) > 90).any():
        return None, Problem(index, code, "geometry", _("coordinates must be WGS-84 longitude, latitude"))
    return shape, None


def feature_of(record: FeatureRecord) -> dict:
    props = {"level": record.level, "code": record.code, "name": record.name}
    if record.level == "grid":
        props["kind"] = record.kind
    if record.level in ("grid", "microgrid"):
        props.update(households=record.households, population=record.population)
    geometry = json.loads(shapely.to_geojson(canonical(record.geometry))) if record.geometry else None
    return {"type": "Feature", "properties": props, "geometry": geometry}


def canonical(geometry):
    """Snapped to 1e-7°, with a fixed start vertex and counter-clockwise outer rings (RFC 7946),
    so that exporting what was imported from an export gives the same bytes."""
    snapped = shapely.normalize(shapely.set_precision(geometry, 10**-COORDINATE_DIGITS))
    return shapely.orient_polygons(snapped, exterior_cw=False)


def write_collection(records, stream) -> int:
    """Stream a FeatureCollection, one feature per line, so a large export never sits in memory."""
    stream.write('{"type": "FeatureCollection", "features": [\n')
    count = 0
    for record in records:
        stream.write((",\n" if count else "") + json.dumps(feature_of(record), ensure_ascii=False))
        count += 1
    stream.write("\n]}\n")
    return count
