"""Where a case is: its grid and micro-grids drawn from their own boundaries, with a pin — at its
GPS point, or, for a case located by text (a hotline call's address: area_code set, no lon/lat),
at the point of the place the text names, else at its area's representative point."""

import shapely

from finegrid.grid.gazetteer import current_gazetteer
from finegrid.grid.models import Grid, MicroGrid, Region
from finegrid.grid.svg import Frame

WIDTH = 360
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


def case_map(case) -> dict | None:
    point = case_point(case)
    grid = case.grid or (Grid.objects.filter(code=case.area_code[:15]).first() if len(case.area_code) >= 15 else None)
    if grid is None:
        return _region_map(case, point)
    shapes = [(m.code, m.name, m.geometry) for m in MicroGrid.objects.filter(grid=grid).only("code", "name", "geometry")]
    shapes = shapes or [(grid.code, grid.name, grid.geometry)]
    return _drawn(shapes, case, point)


def _region_map(case, point) -> dict | None:
    """A case placed only to a community or a street: that area, with the point."""
    region = Region.objects.filter(code=case.area_code).first() if case.area_code else None
    if region is None or region.geometry is None:
        return None
    return _drawn([(region.code, region.name, region.geometry)], case, point)


def _drawn(shapes, case, point) -> dict:
    frame = Frame(shapely.total_bounds([g for _, _, g in shapes]), WIDTH)
    paths = [{"d": frame.path(shapely.simplify(g, 0.5 / frame.scale, preserve_topology=True)), "title": f"{name} {code}",
              "mine": case.area_code.startswith(code)} for code, name, g in shapes]
    pin = None
    if point is not None:
        pin = {"x": round(frame.x(point[0]), 1), "y": round(frame.y(point[1]), 1), "how": point[2],
               "lon": point[0], "lat": point[1]}
    return {"width": frame.width, "height": frame.height, "paths": paths, "pin": pin}
