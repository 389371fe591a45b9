"""Point → grid for the whole application: the in-memory index over the database's grids and
micro-grids, rebuilt whenever they change, and the answers `finegrid locate` prints."""

import threading
from dataclasses import asdict, dataclass, field

import numpy as np
from django.db.models import Count, Max
from django.utils.translation import gettext as _

from .locator import Locator
from .models import Grid, MicroGrid, Region


@dataclass
class Location:
    """Where a point or a text is, down to the most precise level known; `reason` says why not."""

    street: str | None = None
    street_code: str | None = None
    community: str | None = None
    community_code: str | None = None
    grid_code: str | None = None
    microgrid_code: str | None = None
    reason: str | None = None
    extra: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        data = asdict(self)
        return {**{k: v for k, v in data.items() if k != "extra"}, **self.extra}


class GridIndex:
    """Locators over every grid and micro-grid, with the codes and names to answer with."""

    def __init__(self, fingerprint=None):
        self.fingerprint = fingerprint
        grids = list(Grid.objects.order_by("code").values_list("code", "geometry"))
        micros = list(MicroGrid.objects.order_by("code").values_list("code", "geometry"))
        self.grid_codes = np.array([code for code, _ in grids], dtype=object)
        self.micro_codes = np.array([code for code, _ in micros], dtype=object)
        self.grids = Locator([Grid._meta.get_field("geometry").to_python(g) for _, g in grids])
        self.micros = Locator([MicroGrid._meta.get_field("geometry").to_python(g) for _, g in micros])
        self.region_names = dict(Region.objects.values_list("code", "name"))

    def locate_many(self, lons, lats) -> tuple[np.ndarray, np.ndarray]:
        """Indexes into grid_codes and micro_codes (-1 where none) for arrays of points."""
        lons, lats = np.asarray(lons, dtype=float), np.asarray(lats, dtype=float)
        return self.grids.locate_many(lons, lats), self.micros.locate_many(lons, lats)

    def location(self, grid_index: int, micro_index: int) -> Location:
        if grid_index < 0:
            return Location(reason=_("the point is outside every grid of the district"))
        grid_code = self.grid_codes[grid_index]
        micro_code = self.micro_codes[micro_index] if micro_index >= 0 else None
        if micro_code and not micro_code.startswith(grid_code):
            micro_code = None  # the two layers disagree at a boundary: trust the grid
        return self.location_of_codes(grid_code[:9], grid_code[:12], grid_code, micro_code)

    def location_of_codes(self, street_code, community_code=None, grid_code=None, micro_code=None) -> Location:
        names = self.region_names
        return Location(
            street=names.get(street_code), street_code=street_code,
            community=names.get(community_code) if community_code else None, community_code=community_code,
            grid_code=grid_code, microgrid_code=micro_code,
        )

    def locate(self, lon: float, lat: float) -> Location:
        grid_indexes, micro_indexes = self.locate_many([lon], [lat])
        return self.location(int(grid_indexes[0]), int(micro_indexes[0]))


_lock = threading.Lock()
_current: GridIndex | None = None


def fingerprint() -> tuple:
    """Changes whenever a grid or micro-grid is added, removed or saved."""
    grids = Grid.objects.aggregate(n=Count("id"), at=Max("updated_at"))
    micros = MicroGrid.objects.aggregate(n=Count("id"), at=Max("updated_at"))
    return grids["n"], grids["at"], micros["n"], micros["at"]


def current_index() -> GridIndex:
    """The index for the grids in the database now; rebuilt (once, under a lock) after a change."""
    global _current
    now = fingerprint()
    with _lock:
        if _current is None or _current.fingerprint != now:
            _current = GridIndex(now)
        return _current


def locate(lon: float, lat: float) -> Location:
    return current_index().locate(lon, lat)


def locate_many(lons, lats) -> tuple[np.ndarray, np.ndarray]:
    return current_index().locate_many(lons, lats)
