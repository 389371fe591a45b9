"""A case's point for its marker. A case reported with GPS has lon/lat; one located by text (a
hotline call's address) has only an area code, which the gazetteer found from the place the text
names: its marker goes to that place's point, else to its area's representative point.

Duck-typed on the case (lon, lat, address, title, description, area_code), so every app's maps
use it."""

from .gazetteer import current_gazetteer
from .models import Grid, MicroGrid, Region

GPS, PLACE, AREA = "gps", "place", "area"  # how a case's point was found, best first


class PointFinder:
    """Text and area code → a point, memoised for one request (a map asks for many cases)."""

    def __init__(self):
        self.names = None
        self.areas: dict[str, tuple | None] = {}
        self.texts: dict[tuple, tuple | None] = {}

    def point(self, text: str, area_code: str) -> tuple[float, float] | None:
        found = self.located(text, area_code)
        return found[:2] if found else None

    def located(self, text: str, area_code: str) -> tuple[float, float, str] | None:
        """(lon, lat, PLACE or AREA), or None when neither the text nor the code places it."""
        key = (text, area_code)
        if key not in self.texts:
            place = self._place(text, area_code)
            self.texts[key] = (*place, PLACE) if place else self._area(area_code)
        return self.texts[key]

    def _place(self, text: str, area_code: str) -> tuple[float, float] | None:
        """The most specific place the text names inside the case's street (as the gazetteer
        ranks mentions), so "东关街个园门口" is at 个园 rather than the middle of 东关街."""
        if not text:
            return None
        self.names = self.names or current_gazetteer()
        mentions = self.names.mentions(text)
        street = area_code[:9]
        inside = [m for m in mentions if not street or street in m.place.street_codes] or mentions
        if not inside:
            return None
        best = max(inside, key=lambda m: m.rank)
        return best.place.lon, best.place.lat

    def _area(self, code: str) -> tuple[float, float, str] | None:
        if not code:
            return None
        if code not in self.areas:
            row = (MicroGrid.objects.filter(code=code).first() or Grid.objects.filter(code=code).first()
                   or Region.objects.filter(code=code).first())
            point = row.geometry.representative_point() if row is not None and row.geometry is not None else None
            self.areas[code] = (point.x, point.y, AREA) if point is not None else None
        return self.areas[code]


def case_point(case) -> tuple[float, float, str] | None:
    """(lon, lat, how) of a case's marker: GPS, else the place its text names, else its area."""
    if case.lon is not None and case.lat is not None:
        return case.lon, case.lat, GPS
    return PointFinder().located(case.address or f"{case.title} {case.description}", case.area_code)
