"""Where a case is: its grid and micro-grids drawn from their own boundaries, with a pin at the
case's point (grid/points.py: its GPS point, else the place its address names, else its area's)."""

import shapely

from finegrid.core.basemap import current as current_basemap
from finegrid.grid import coords
from finegrid.grid.models import Grid, MicroGrid, Region
from finegrid.grid.points import case_point
from finegrid.grid.svg import Frame

WIDTH = 360
def case_map(case) -> dict | None:
    """The case's grid (or community, or street) with its pin; on the tiles when there are some."""
    return with_base_map(_case_map(case))


def _case_map(case) -> dict | None:
    point = case_point(case)
    grid = case.grid or (Grid.objects.filter(code=case.area_code[:15]).first() if len(case.area_code) >= 15 else None)
    if grid is None:
        return _region_map(case, point)
    shapes = [(m.code, m.name, m.geometry) for m in MicroGrid.objects.filter(grid=grid).only("code", "name", "geometry")]
    shapes = shapes or [(grid.code, grid.name, grid.geometry)]
    return _drawn(shapes, case, point)


def with_base_map(drawn: dict | None) -> dict | None:
    """The same map for case_map.js when the district configured tiles: the areas and the pin as
    GeoJSON, shifted onto the tiles' system."""
    if drawn is None:
        return None
    geometries = drawn.pop("geometries")
    basemap = current_basemap()
    if basemap is None:
        return drawn
    crs = basemap.crs
    features = [{"type": "Feature", "properties": {"title": title, "mine": mine},
                 "geometry": shapely.geometry.mapping(coords.shift_geometry(geometry, crs))}
                for title, mine, geometry in geometries]
    pin = drawn["pin"]
    config = {"basemap": basemap.for_page(), "areas": {"type": "FeatureCollection", "features": features}, "pin": None}
    if pin is not None:
        config["pin"] = {"at": list(coords.from_wgs84(pin["lon"], pin["lat"], crs)), "how": pin["how"]}
    return {**drawn, "base": config}


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
    geometries = [(f"{name} {code}", case.area_code.startswith(code), g) for code, name, g in shapes]
    pin = None
    if point is not None:
        pin = {"x": round(frame.x(point[0]), 1), "y": round(frame.y(point[1]), 1), "how": point[2],
               "lon": point[0], "lat": point[1]}
    return {"width": frame.width, "height": frame.height, "paths": paths, "pin": pin, "geometries": geometries}


class NoSuchArea(ValueError):
    pass


def correct_location(case, area_code: str, actor):
    """An operator puts a case at a micro-grid or grid: the case moves there (the cell's point is
    its pin), the correction is audited, and the gazetteer learns the residential name the text
    gives that it did not know (grid.gazetteer.learn_from_correction), so the next report naming it
    is placed without help. Returns the place learned, or None."""
    from finegrid.cases.models import Case
    from finegrid.core.models import audit
    from finegrid.grid.gazetteer import learn_from_correction
    from finegrid.grid.models import Grid

    cell = MicroGrid.objects.filter(code=area_code).select_related("grid").first()
    grid = cell.grid if cell else Grid.objects.filter(code=area_code).first()
    if grid is None:
        raise NoSuchArea(area_code)
    point = (cell or grid).geometry.representative_point()
    before = case.area_code
    Case.objects.filter(pk=case.pk).update(area_code=area_code, grid=grid, lon=point.x, lat=point.y)
    learned = learn_from_correction(f"{case.title}。{case.description}", area_code)
    audit("case.relocate", case.ticket, actor=actor, before=before, after=area_code,
          learned=learned.name if learned else "")
    return learned
