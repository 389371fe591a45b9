"""`finegrid bench locate`: the demo district's micro-grids, a million random points, exact answers."""

from .bench_locate import run
from .models import MicroGrid


def micro_polygons(out) -> tuple[list, str]:
    """The database's micro-grids, or the demo layout's when the database has none yet."""
    polygons = [m.geometry for m in MicroGrid.objects.only("geometry").iterator(chunk_size=5000)]
    if polygons:
        return polygons, "database"
    from finegrid.demo.layout import build_layout

    out.write("no micro-grids in the database: building the demo layout in memory\n")
    return [m.polygon for m in build_layout().microgrids], "demo layout"


def main(points: int = 1_000_000, repeats: int = 5, out=None, **_) -> dict:
    polygons, source = micro_polygons(out)
    progress = (lambda message: out.write(f"{message}\n")) if out else None
    figures = run(polygons, n_points=points, repeats=repeats, progress=progress)
    return {"source": source, **figures}
