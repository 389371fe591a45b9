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
