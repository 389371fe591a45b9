"""The hierarchy in the database as records, in the order a file must be read back: parents first."""

from .models import Grid, MicroGrid, Region
from .records import FeatureRecord

EXPORT_LEVELS = ("region", "grid", "microgrid")


def export_records(levels=EXPORT_LEVELS):
    """Yield records level by level; iterates with a server-side cursor, so memory stays flat."""
    index = 0
    if "region" in levels:
        for region in Region.objects.order_by("code").iterator(chunk_size=2000):
            index += 1
            yield FeatureRecord(index, region.level, region.code, region.name, region.geometry)
    if "grid" in levels:
        for grid in Grid.objects.order_by("code").iterator(chunk_size=2000):
            index += 1
            yield FeatureRecord(
                index, "grid", grid.code, grid.name, grid.geometry, grid.kind, grid.households, grid.population
            )
    if "microgrid" in levels:
        for micro in MicroGrid.objects.order_by("code").iterator(chunk_size=2000):
            index += 1
            yield FeatureRecord(
                index, "microgrid", micro.code, micro.name, micro.geometry, "general", micro.households,
                micro.population,
            )
