"""Maps as inline SVG drawn on the server from the grids' own polygons — no tile server, no
JavaScript library: the page shows the district even on a machine with no internet."""

import math
from dataclasses import dataclass

import shapely

PALETTE = [
    "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948",
    "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac", "#86bcb6", "#d4a6c8",
]


@dataclass
class Shape:
    geometry: object
    href: str = ""
    title: str = ""
    fill: str = "#ddd"


class Frame:
    """Projects lon/lat into SVG pixels, east up to `width`, north at the top."""

    def __init__(self, bounds, width: int = 900):
        minx, miny, maxx, maxy = bounds
        self.kx = math.cos(math.radians((miny + maxy) / 2))
        self.minx, self.maxy = minx, maxy
        self.scale = width / max((maxx - minx) * self.kx, 1e-9)
        self.width, self.height = width, round((maxy - miny) * self.scale)

    def path(self, geometry) -> str:
        parts = []
        for polygon in getattr(geometry, "geoms", [geometry]):
            for ring in [polygon.exterior, *polygon.interiors]:
                points = " ".join(f"{self.x(x):.1f},{self.y(y):.1f}" for x, y in ring.coords[:-1])
                parts.append(f"M{points}Z")
        return "".join(parts)

    def x(self, lon: float) -> float:
        return (lon - self.minx) * self.kx * self.scale

    def y(self, lat: float) -> float:
        return (self.maxy - lat) * self.scale


def map_paths(shapes: list[Shape], width: int = 900, detail_px: float = 0.6) -> dict:
    """Everything a template needs to draw `shapes`: the frame size and one path per shape,
    simplified to `detail_px` pixels so a district of 1,500 grids stays a small page."""
    if not shapes:
        return {"width": width, "height": 0, "paths": []}
    frame = Frame(shapely.total_bounds([s.geometry for s in shapes]), width)
    tolerance = detail_px / frame.scale
    paths = []
    for shape in shapes:
        simple = shapely.simplify(shape.geometry, tolerance, preserve_topology=True)
        paths.append({"d": frame.path(simple), "href": shape.href, "title": shape.title, "fill": shape.fill})
    return {"width": frame.width, "height": frame.height, "paths": paths}
