"""Where a batch of submissions is, found once for the whole batch, and the district's checks.

A point is located with one vectorised call of the grid locator; a point in no grid of the
district is refused, as is 0, 0 (a phone or a sensor without a position fix reports it). An area
code must be a region, grid or micro-grid that exists and lies inside the district. A text is
resolved through the gazetteer; one that names a place in another district (北京市朝阳区…) and
nothing in ours is refused rather than kept with an empty area. Problems are keyed by the
submission's field (location, area_code, address), so every channel can name it in its own terms."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from finegrid.grid.models import Region

from .elsewhere import foreign_place
from .where import district_name, gazetteer, place_of_text


@dataclass
class Spot:
    """The area a submission was placed in (the most precise code known, or "") and its grid."""

    area_code: str = ""
    grid_code: str = ""


class Areas:
    """The codes an area code may be, and the district they must lie in, read once per grid index."""

    def __init__(self, index):
        self.grids = frozenset(index.grid_codes)
        self.codes = self.grids | frozenset(index.micro_codes) | frozenset(index.region_names)
        districts = Region.objects.filter(level=Region.Level.DISTRICT).values_list("code", "name")
        self.district_code, self.district_name = next(iter(districts), ("", ""))


def areas_of(index) -> Areas:
    """The index is rebuilt when the grids change, so what is read from it lives on it."""
    found = getattr(index, "_intake_areas", None)
    if found is None:
        found = index._intake_areas = Areas(index)
    return found


def place_all(subs: list, index) -> list:
    """A Spot, or a {field: problem} dict, per submission (cleaned: lon/lat are floats or None)."""
    areas = areas_of(index)
    found: list = [None] * len(subs)
    pointed = [i for i, s in enumerate(subs) if s.lon is not None]
    if pointed:
        grids, micros = index.locate_many([subs[i].lon for i in pointed], [subs[i].lat for i in pointed])
        for i, g, m in zip(pointed, grids, micros):
            found[i] = _spot_of_point(subs[i], index, int(g), int(m))
            if subs[i].area_code and isinstance(found[i], Spot):  # the point decides, yet a bad code is no less bad
                code = _spot_of_code(subs[i].area_code, areas)
                found[i] = code if isinstance(code, dict) else found[i]
    texts = Texts(index)
    for i, sub in enumerate(subs):
        if found[i] is None:
            found[i] = _spot_of_code(sub.area_code, areas) if sub.area_code else _spot_of_text(sub, areas, texts)
    return found


class Texts:
    """Text → area code. A hotline file names the same places again and again, in every batch:
    each text is resolved once for as long as the grid index and the gazetteer stand (the memo
    lives on the index, and starts again when the gazetteer is rebuilt); the gazetteer is read
    only when a batch has a text to resolve."""

    LIMIT = 100_000  # texts remembered per index before the memo starts again

    def __init__(self, index):
        self.index, self.names, self.memo = index, None, None

    def __getitem__(self, text: str) -> str:
        if self.memo is None:
            names = gazetteer()
            kept = getattr(self.index, "_intake_texts", None)
            if kept is None or kept[0] is not names or len(kept[1]) > self.LIMIT:
                kept = self.index._intake_texts = (names, {})
            self.names, self.memo = kept
        if text not in self.memo:
            self.memo[text] = place_of_text(text, self.index, self.names)
        return self.memo[text]


def check_point_and_code(sub, index) -> dict:
    """The checks a channel can make at once from the cached index (Open311's POST); {} when fine."""
    spot = place_all([sub], index)[0]
    return spot if isinstance(spot, dict) else {}


def _spot_of_point(sub, index, g: int, m: int):
    if sub.lon == 0 and sub.lat == 0:
        return {"location": _("0, 0 is no place: the position was not found (no GPS fix?)")}
    if g < 0:
        return {"location": outside_message(sub.lon, sub.lat, index)}
    grid = index.grid_codes[g]
    micro = index.micro_codes[m] if m >= 0 else ""
    return Spot(micro if micro.startswith(grid) else grid, grid)  # the layers disagree at a boundary: the grid


def _spot_of_code(code: str, areas: Areas):
    if code not in areas.codes:
        return {"area_code": _("no region or grid has the code %(code)s") % {"code": code}}
    if not code.startswith(areas.district_code):
        return {"area_code": _("%(code)s is outside %(district)s") % {"code": code, "district": areas.district_name}}
    grid = code[:15] if code[:15] in areas.grids else ""
    return Spot(code, grid)


def _spot_of_text(sub, areas: Areas, texts: Texts):
    code = texts[sub.address] if sub.address else ""
    if code:
        return Spot(code, code[:15] if code[:15] in areas.grids else "")
    elsewhere = foreign_place(f"{sub.address} {sub.description}", areas.district_code, areas.district_name)
    if elsewhere:
        return {"address": _("%(place)s is not in %(district)s") % {"place": elsewhere, "district": areas.district_name}}
    return Spot()  # no place named at all: an operator locates it


def outside_message(lon: float, lat: float, index) -> str:
    district = areas_of(index).district_name or district_name()
    return _("the point %(lon).5f, %(lat).5f is outside %(district)s: this service takes reports "
             "from inside the district only") % {"lon": lon, "lat": lat, "district": district}
