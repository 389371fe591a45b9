"""Where a submission is: a point through the grid locator, a text through the district's one
gazetteer (grid.gazetteer)."""

from finegrid.grid.gazetteer import current_gazetteer as gazetteer  # noqa: F401 — intake's name for it
from finegrid.grid.locate import current_index
from finegrid.grid.models import Region


def district_name() -> str:
    district = Region.objects.filter(level=Region.Level.DISTRICT).values_list("name", flat=True).first()
    return district or "the district"


def place_of_text(text: str, index=None, names=None) -> str:
    """The most precise area code a place named in `text` gives, or "" (an operator locates it)."""
    if not text:
        return ""
    location = (names or gazetteer()).resolve(text, index or current_index())
    return location.microgrid_code or location.grid_code or location.community_code or location.street_code or ""
