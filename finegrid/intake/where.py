"""Where a submission is: a point through the grid locator, a text through the gazetteer."""

import threading

from django.db.models import Count, Max

from finegrid.grid.gazetteer import Gazetteer
from finegrid.grid.locate import current_index
from finegrid.grid.models import Place, Region

_lock = threading.Lock()
_gazetteer: tuple | None = None  # (fingerprint, Gazetteer)


def district_name() -> str:
    district = Region.objects.filter(level=Region.Level.DISTRICT).values_list("name", flat=True).first()
    return district or "the district"


def gazetteer() -> Gazetteer:
    """The gazetteer over the places in the database now, rebuilt after a change."""
    global _gazetteer
    print_ = tuple(Place.objects.aggregate(n=Count("id"), last=Max("id")).values())
    with _lock:
        if _gazetteer is None or _gazetteer[0] != print_:
            _gazetteer = (print_, Gazetteer())
        return _gazetteer[1]


def place_of_text(text: str, index=None, names=None) -> str:
    """The most precise area code a place named in `text` gives, or "" (an operator locates it)."""
    if not text:
        return ""
    location = (names or gazetteer()).resolve(text, index or current_index())
    return location.microgrid_code or location.grid_code or location.community_code or location.street_code or ""
