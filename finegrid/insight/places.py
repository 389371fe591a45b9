"""Where an appeal is: place names in its text through the district gazetteer to street,
community and grid.

The gazetteer is the district's one (grid.gazetteer: an automaton over every name and alias,
longest name first, a street named elsewhere in the text deciding between namesakes, ambiguity
reported); this module adds what a stream of thousands of appeals a second needs: a resolution is
computed once per set of places named, then reused."""

import threading
from dataclasses import dataclass, field, replace

from finegrid.grid.gazetteer import Gazetteer, Mention
from finegrid.grid.gazetteer import current_gazetteer as district_gazetteer
from finegrid.grid.locate import GridIndex, Location, current_index


@dataclass
class Where:
    place: str | None = None
    precision: str | None = None  # the kind of place named: building, compound, road, community, street…
    street: str | None = None
    street_code: str | None = None
    community: str | None = None
    community_code: str | None = None
    grid_code: str | None = None
    lon: float | None = None
    lat: float | None = None
    # Every street the place may be in, best first: a road through two streets names both.
    candidates: list[dict] = field(default_factory=list)
    reason: str | None = None

    @property
    def key(self) -> str | None:
        """What "the same place" means for duplicates: the grid, else the named place."""
        return self.grid_code or (self.place and f"{self.street_code}:{self.place}")


class FastGazetteer:
    """The district's gazetteer (grid.gazetteer: one automaton over every name and alias) with
    insight's view of a place, each set of places named resolved once and then reused."""

    def __init__(self, base: Gazetteer | None = None, index: GridIndex | None = None):
        self.base, self.index = base or district_gazetteer(), index
        base = self.base
        self.by_name, self.mentions, self.resolve = base.by_name, base.mentions, base.resolve
        self._resolved: dict[tuple, Where] = {}

    def where(self, text: str) -> Where:
        mentions = self.mentions(text)
        if not mentions:
            return Where()
        key = tuple(sorted({(m.place.pk, m.end - m.start) for m in mentions}))
        if key not in self._resolved:
            self._resolved[key] = self._where(text, mentions)
        found = self._resolved[key]
        return replace(found, candidates=list(found.candidates))

    def _where(self, text: str, mentions: list[Mention]) -> Where:
        location: Location = self.resolve(text, self.index or current_index())
        name, kind = location.extra.get("place"), location.extra.get("precision")
        named = {m.place.pk: m.place for m in mentions if m.place.name == name or name in m.place.aliases}
        point = next(iter(named.values())) if len(named) == 1 else None
        codes = location.extra.get("candidates") or ([location.street_code] if location.street_code else [])
        names = (self.index or current_index()).region_names
        return Where(
            place=name, precision=kind, street=location.street, street_code=location.street_code,
            community=location.community, community_code=location.community_code, grid_code=location.grid_code,
            lon=point.lon if point else None, lat=point.lat if point else None,
            candidates=[{"street_code": code, "street": names.get(code)} for code in codes], reason=location.reason,
        )


_lock = threading.Lock()
_current: FastGazetteer | None = None


def current_gazetteer() -> FastGazetteer:
    """The district's gazetteer as it stands, with its resolutions kept until it changes."""
    global _current
    base, index = district_gazetteer(), current_index()
    with _lock:
        if _current is None or _current.base is not base or _current.index is not index:
            _current = FastGazetteer(base, index)
        return _current


def where(text: str, title: str = "") -> Where:
    """Where the appeal with this text and title is, as far as its words say."""
    return current_gazetteer().where(f"{title}。{text}" if title else text)
