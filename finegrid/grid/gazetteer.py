"""Place names in text → a place of the gazetteer → where it is.

Matching is longest-first over every name and alias, so "琼花观社区" wins over "琼花观" and a
building name wins over the community it contains. When several places share a name (二桥村
exists in two towns), a street or town named elsewhere in the text decides; else the answer
stays at the level all candidates agree on and says it is ambiguous."""

import re
import threading
from dataclasses import dataclass

import ahocorasick
from django.db.models import BinaryField, Count, Max
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from .locate import GridIndex, Location
from .models import Place

# More specific kinds win when a text names several places.
SPECIFICITY = {
    "building": 6, "compound": 5, "landmark": 4, "road": 3, "river": 2, "area": 2, "community": 2, "street": 1,
}


# A named place known only to its street or town (its community is not known for certain): the
# subkind says so ("hospital@street"), and a mention of it answers the street alone.
STREET_ONLY = "@street"


@dataclass(frozen=True)
class Mention:
    place: Place
    start: int
    end: int
    point: bool = False  # the place is a point (个园), not a line or an area

    @property
    def rank(self) -> tuple:
        """Most specific kind first; then a point (个园) over a line (东关街); then the longer name."""
        return (SPECIFICITY.get(self.place.kind, 0), self.point, self.end - self.start)


class Gazetteer:
    """Every name and alias of the district's places, matched in one pass over a text (an
    Aho-Corasick automaton): intake and insight both read places through this one."""

    def __init__(self, places=None):
        if places is None:
            places, self.points = _places_and_points()
        else:
            self.points = {place.pk for place in places if place.geometry.geom_type == "Point"}
        self.by_name: dict[str, list[Place]] = {}
        for place in places:
            for name in {place.name, *place.aliases}:
                if len(name) >= 2:  # one character names nothing reliably
                    self.by_name.setdefault(name, []).append(place)
        self.automaton = ahocorasick.Automaton()
        for name in self.by_name:
            self.automaton.add_word(name, name)
        if self.by_name:
            self.automaton.make_automaton()

    def mentions(self, text: str) -> list[Mention]:
        """Every place named in `text`, scanning left to right, longest name first at each position."""
        if not self.by_name:
            return []
        found = []
        for end, name in self.automaton.iter_long(text):
            found += [Mention(place, end - len(name) + 1, end + 1, place.pk in self.points) for place in self.by_name[name]]
        return found

    def resolve(self, text: str, index: GridIndex) -> Location:
        mentions = self.mentions(text)
        if not mentions:
            return Location(reason=_("no place of the district is named in the text"))
        streets = {code for m in mentions if m.place.kind == "street" for code in m.place.street_codes}
        candidates = [m for m in mentions if not streets or set(m.place.street_codes) & streets] or mentions
        best_rank = max(m.rank for m in candidates)
        best = [m for m in candidates if m.rank == best_rank]
        location = _locate_mention(best[0], index) if len({m.place.pk for m in best}) == 1 else _common(best, index)
        location.extra.update(place=best[0].place.name, precision=best[0].place.kind)
        return location


def _places_and_points() -> tuple[list[Place], set[int]]:
    """Every place without its geometry (decoding tens of thousands of shapes was most of a fresh
    process's gazetteer), and which are points, read from the stored WKB's header: byte 0 the byte
    order, then the type as a 32-bit integer, 1 for a point."""
    places = list(Place.objects.defer("geometry"))
    raw = Place.objects.annotate(wkb=Cast("geometry", BinaryField())).values_list("pk", "wkb")
    points = {pk for pk, wkb in raw if wkb is not None and _wkb_type(bytes(wkb)) == 1}
    return places, points


def _wkb_type(wkb: bytes) -> int:
    return int.from_bytes(wkb[1:5], "little" if wkb[0] == 1 else "big") & 0xFFFF if len(wkb) >= 5 else 0


def _locate_mention(mention: Mention, index: GridIndex) -> Location:
    place = mention.place
    if place.subkind.endswith(STREET_ONLY) and place.street_codes:
        return index.location_of_codes(place.street_codes[0])
    if place.kind in ("building", "landmark"):
        return index.locate(place.lon, place.lat)
    if place.kind == "compound":  # a compound fills a grid but spans several micro-grids
        return _truncated(index.locate(place.lon, place.lat), "grid")
    if place.kind in ("community", "area"):
        return _truncated(index.locate(place.lon, place.lat), "community")
    location = index.location_of_codes(place.street_codes[0]) if place.street_codes else Location()
    if len(place.street_codes) > 1:
        location.extra["candidates"] = list(place.street_codes)
    return location


def _truncated(location: Location, level: str) -> Location:
    """Keep only the levels a place of this size names for certain."""
    location.microgrid_code = None
    if level == "community":
        location.grid_code = None
    return location


def _common(mentions: list[Mention], index: GridIndex) -> Location:
    """Several different places share the best name: answer only what they all agree on."""
    streets = {tuple(m.place.street_codes[:1]) for m in mentions}
    location = index.location_of_codes(next(iter(streets))[0]) if len(streets) == 1 and () not in streets else Location()
    location.reason = _("the name is ambiguous: %(n)s places are called %(name)s") % {
        "n": len(mentions), "name": mentions[0].place.name
    }
    location.extra["candidates"] = sorted({code for m in mentions for code in m.place.street_codes})
    return location


_lock = threading.Lock()
_current: tuple | None = None  # (fingerprint, Gazetteer)


def current_gazetteer() -> Gazetteer:
    """The gazetteer over the places in the database now, rebuilt after a place is added, removed
    or edited (the count and the newest change are its fingerprint)."""
    global _current
    now = tuple(Place.objects.aggregate(n=Count("id"), at=Max("updated_at")).values())
    with _lock:
        if _current is None or _current[0] != now:
            _current = (now, Gazetteer())
        return _current[1]


# A residential name as residents write it: two to six characters and a compound's ending.
COMPOUND_NAME = re.compile(r"([\u4e00-\u9fff]{2,6}?(?:小区|花园|新村|家园|名苑|雅苑|嘉苑|苑|公寓|华庭|佳园|嘉园))")


def learn_from_correction(text: str, area_code: str) -> Place | None:
    """An operator put a report at `area_code` (a grid or micro-grid, or a community): a compound
    its text names that the gazetteer does not know becomes a place there, so the next report
    naming it is placed without help. Returns the place learned, or None."""
    from .models import Grid, MicroGrid, Region

    cell = (MicroGrid.objects.filter(code=area_code).first() or Grid.objects.filter(code=area_code).first()
            or Region.objects.filter(code=area_code, geometry__isnull=False).first())
    if cell is None:
        return None
    gazetteer = current_gazetteer()
    for match in COMPOUND_NAME.finditer(text):
        name = _without_known_prefix(_without_lead_in(match.group(1)), gazetteer)
        if len(name) >= 3 and name not in gazetteer.by_name:
            point = cell.geometry.representative_point()
            street = area_code[:9]
            return Place.objects.create(name=name, kind=Place.Kind.COMPOUND, subkind="learned", geometry=point,
                                        lon=point.x, lat=point.y, street_codes=[street])
    return None


# Words that come before a compound's name in a sentence, not in it: "我们住在银桂雅苑" → "银桂雅苑".
LEAD_IN = re.compile(r"^.*(?:住在|家在|位于|我们|我家|在|的|是|了|到|从|和|跟|那个|这个)")


def _without_lead_in(name: str) -> str:
    rest = LEAD_IN.sub("", name)
    return rest if len(rest) >= 3 else name


def _without_known_prefix(name: str, gazetteer: Gazetteer) -> str:
    """"汤汪街道东升花园" → "东升花园": a known place's name in front of the compound's is not part of it."""
    for end, known in gazetteer.automaton.iter_long(name) if gazetteer.by_name else []:
        if end + 1 < len(name) and name.startswith(known):
            return name[len(known):]
    return name
