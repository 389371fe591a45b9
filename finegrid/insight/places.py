"""Where an appeal is: place names in its text through the district gazetteer to street,
community and grid.

The gazetteer is the district's one (grid.gazetteer: an automaton over every name and alias,
longest name first, a street named elsewhere in the text deciding between namesakes, ambiguity
reported); this module adds what a stream of thousands of appeals a second needs: a resolution is
computed once per set of places named, then reused."""

import copy
import os
import pickle
import tempfile
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path

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


@dataclass(frozen=True, slots=True)
class PlaceFacts:
    """What matching and resolving read of a place: a snapshot holds these rather than model
    instances, which unpickle ten times slower (Django rebuilds each one's state)."""
    pk: int
    name: str
    aliases: tuple[str, ...]
    kind: str
    subkind: str
    street_codes: tuple[str, ...]
    lon: float | None
    lat: float | None

    @classmethod
    def of(cls, place) -> "PlaceFacts":
        return cls(place.pk, place.name, tuple(place.aliases), place.kind, place.subkind or "",
                   tuple(place.street_codes), place.lon, place.lat)


def _light(base: Gazetteer) -> Gazetteer:
    """The gazetteer with its places as PlaceFacts (the automaton shared)."""
    facts = {place.pk: PlaceFacts.of(place) for places in base.by_name.values() for place in places}
    light = copy.copy(base)
    light.by_name = {name: [facts[place.pk] for place in places] for name, places in base.by_name.items()}
    return light


SNAPSHOT_FORMAT = 2  # raised when what a snapshot holds changes, so an older file is rebuilt


def snapshot_gazetteer(folder: Path | None = None) -> FastGazetteer:
    """The district's gazetteer and grid index for one fresh process (`finegrid analyze`), read
    from a snapshot file while the places and grids are as they were when it was written.

    Building them from the database is most of a fresh process's start-up (measured: about 6 s of
    a 7 s run over 8,000 appeals, the ORM reading 26,000 places and decoding every grid's shape);
    the snapshot, its places as plain facts, loads in a fraction of a second. Its key is the same fingerprint the in-process caches use
    (count and newest change of places, grids and micro-grids), so an edit rebuilds it. The file
    lives in the data folder beside the models and is trusted as they are (pickle)."""
    from django.conf import settings
    from django.db.models import Count, Max

    from finegrid.grid import locate
    from finegrid.grid.models import Place

    key = (SNAPSHOT_FORMAT, tuple(Place.objects.aggregate(n=Count("id"), at=Max("updated_at")).values()),
           locate.fingerprint())
    folder = folder or Path(settings.DATA_DIR) / "insight"
    path = folder / "gazetteer-snapshot.pickle"
    try:
        with path.open("rb") as handle:
            stored_key, base, index = pickle.load(handle)
        if stored_key == key:
            return FastGazetteer(base, index)
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, AttributeError, ImportError):
        pass  # missing, stale or written by other code: rebuild it
    base, index = _light(district_gazetteer()), locate.current_index()
    folder.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, suffix=".pickle")
    with os.fdopen(handle, "wb") as out:
        pickle.dump((key, base, index), out, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(temporary, path)  # a reader sees the old file or the new one, never half of one
    return FastGazetteer(base, index)


def where(text: str, title: str = "") -> Where:
    """Where the appeal with this text and title is, as far as its words say."""
    return current_gazetteer().where(f"{title}。{text}" if title else text)
