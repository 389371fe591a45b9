"""The demo layout's plain data types and the small helpers every demo module shares."""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np
import shapely

from .plan import SEED, STREETS


@dataclass
class Area:
    code: str
    name: str
    level: str  # district | street | town | community | village
    parent_code: str
    polygon: object  # shapely Polygon (MultiPolygon only if it could not be avoided)


@dataclass
class GridCell:
    code: str  # 15 digits: community code + 3-digit sequence
    name: str
    community_code: str
    kind: str  # general | park | school | hospital | enterprise
    households: int
    population: int
    polygon: object


@dataclass
class MicroCell:
    code: str  # 18 digits: grid code + 3-digit sequence
    name: str
    grid_code: str
    households: int
    population: int
    polygon: object


@dataclass
class Place:
    name: str
    kind: str
    aliases: list[str]
    geometry: object  # shapely Point or LineString
    street_codes: list[str]


@dataclass
class Layout:
    district: Area
    streets: list[Area]
    communities: list[Area]
    grids: list[GridCell]
    microgrids: list[MicroCell]
    places: list[Place]


def rng_for(*keys) -> np.random.Generator:
    """A generator seeded by SEED and stable keys (Python's str hash is salted per process)."""
    return np.random.default_rng([SEED, *(zlib.crc32(str(k).encode("utf-8")) for k in keys)])


def community_stem(name: str) -> str:
    """琼花观社区 -> 琼花观, 沙口村 -> 沙口."""
    for suffix in ("社区", "村"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def centre_point(street: Area, plan=None) -> tuple[float, float]:
    """The plan's anchor when it lies in the street (the power diagram may shift it), else a point inside."""
    plan = plan or STREETS[street.code]
    if street.polygon.contains(shapely.Point(plan.anchor)):
        return plan.anchor
    p = street.polygon.representative_point()
    return (p.x, p.y)
