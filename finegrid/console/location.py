"""Where a case is: its grid and micro-grids drawn from their own boundaries, with a pin."""

import shapely

from finegrid.grid.models import MicroGrid
from finegrid.grid.svg import Frame

WIDTH = 360


def case_map(case) -> dict | None:
    if case.grid is None:
        return None
    shapes = [(m.code, m.name, m.geometry) for m in MicroGrid.objects.filter(grid=case.grid).only("code", "name", "geometry")]
    shapes = shapes or [(case.grid.code, case.grid.name, case.grid.geometry)]
    frame = Frame(shapely.total_bounds([g for _, _, g in shapes]), WIDTH)
    paths = [{"d": frame.path(shapely.simplify(g, 0.5 / frame.scale, preserve_topology=True)), "title": f"{name} {code}",
              "mine": case.area_code.startswith(code)} for code, name, g in shapes]
    pin = None
    if case.lon is not None and case.lat is not None:
        pin = {"x": round(frame.x(case.lon), 1), "y": round(frame.y(case.lat), 1)}
    return {"width": frame.width, "height": frame.height, "paths": paths, "pin": pin}


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
