"""Synthetic tilings of the district's box: many polygons with shared edges, for the locator's
tests and `finegrid bench locate` (its synthetic run), where real grids are not needed."""

import numpy as np
import shapely

DISTRICT_BBOX = (119.42, 32.22, 119.72, 32.52)  # lon/lat degrees


def synthetic_tiling(n_polygons: int, seed: int = 0, bbox=DISTRICT_BBOX) -> list:
    """Voronoi polygons of n random sites, clipped to the box: a tiling with shared edges."""
    rng = np.random.default_rng(seed)
    box = shapely.box(*bbox)
    sites = shapely.multipoints(np.column_stack(uniform_points(rng, bbox, n_polygons)))
    cells = shapely.get_parts(shapely.voronoi_polygons(sites, extend_to=box, ordered=True))
    cells = shapely.intersection(cells, box)
    return [cell for cell in cells if not cell.is_empty]


def uniform_points(rng, bbox, n):
    return rng.uniform(bbox[0], bbox[2], n), rng.uniform(bbox[1], bbox[3], n)
