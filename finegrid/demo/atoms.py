"""Micro-grid "atoms": a street cut into Voronoi cells of 10–50 households each, the cells
denser where households cluster (an old town evenly, a town seat and its villages in bumps)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from . import partition as part
from .model import Area, centre_point, rng_for
from .plan import MICRO_HOUSEHOLDS, PROFILES, STREETS


@dataclass
class Atoms:
    """A street's micro-grid cells with their points on surface (degrees and plane) and households."""

    polygons: np.ndarray
    points: np.ndarray
    plane: np.ndarray
    households: np.ndarray

    def subset(self, mask) -> Atoms:
        return Atoms(self.polygons[mask], self.points[mask], self.plane[mask], self.households[mask])


def make_atoms(street: Area, households: float, villages: int) -> Atoms:
    """Cut a street into atoms of 10–50 households, denser where households cluster."""
    plan = STREETS[street.code]
    lo, hi = MICRO_HOUSEHOLDS[plan.urban]
    rng = rng_for("atoms", street.code)
    density = street_density(street, plan, villages, rng_for("density", street.code))
    points = part.sample_points(street.polygon, round(households / ((lo + hi) / 2)), density, rng)
    points = part.relax(points, street.polygon)
    polygons = np.array(part.explode_cells(part.voronoi_cells(points, street.polygon)), dtype=object)
    surface = shapely.get_coordinates(shapely.point_on_surface(polygons))
    counts = rng_for("households", street.code).integers(lo, hi + 1, len(polygons))
    return Atoms(polygons, surface, part.to_plane(surface), counts)


def street_density(street: Area, plan, villages: int, rng: np.random.Generator):
    """Relative household density (peak 1): a floor, a bump at the centre and one per village."""
    prof = PROFILES[plan.profile]
    centre = part.to_plane(centre_point(street, plan))
    bumps = [(centre, prof["centre"], prof["centre_km"])]
    spots = part.sample_points(street.polygon, villages, lambda xy: np.ones(len(xy)), rng) if villages else []
    bumps += [(spot, prof["village"], prof["village_km"]) for spot in spots]
    peak = prof["floor"] + max(b[1] for b in bumps)

    def density(xy: np.ndarray) -> np.ndarray:
        value = np.full(len(xy), prof["floor"])
        for at, height, km in bumps:
            d2 = np.sum((xy - at) ** 2, axis=1) * part.KM_PER_DEG_LAT**2
            value += height * np.exp(-d2 / (2 * km * km))
        return np.minimum(value / peak, 1.0)

    return density
