"""Atomic import of grid records: the whole file is validated first and written in one
transaction, or nothing is written and the report names every rejected feature and its rule."""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from finegrid.core.models import audit

from .models import Grid, MicroGrid, Region
from .records import REGION_LEVELS, FeatureRecord
from .validation import Problem, validate

LEVEL_ORDER = {level: rank for rank, level in enumerate(REGION_LEVELS + ("grid", "microgrid"))}


@dataclass
class ImportReport:
    problems: list[Problem] = field(default_factory=list)
    created: int = 0
    updated: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def existing_records() -> dict[str, FeatureRecord]:
    """The hierarchy already in the database, as records keyed by code."""
    records = {}
    for region in Region.objects.all():
        records[region.code] = FeatureRecord(0, region.level, region.code, region.name, region.geometry)
    for grid in Grid.objects.all():
        records[grid.code] = FeatureRecord(0, "grid", grid.code, grid.name, grid.geometry, grid.kind)
    for micro in MicroGrid.objects.all():
        records[micro.code] = FeatureRecord(0, "microgrid", micro.code, micro.name, micro.geometry)
    return records


def import_records(records: list[FeatureRecord], actor=None, source: str = "") -> ImportReport:
    problems = validate(records, existing_records())
    if problems:
        return ImportReport(problems=problems)
    report = ImportReport()
    with transaction.atomic():
        ordered = sorted(records, key=lambda r: LEVEL_ORDER[r.level])
        for level in LEVEL_ORDER:
            batch = [r for r in ordered if r.level == level]
            if batch:
                created, updated = _write_level(level, batch)
                report.created += created
                report.updated += updated
        audit("grid.import", source, actor, created=report.created, updated=report.updated)
    return report


def _write_level(level: str, batch: list[FeatureRecord]) -> tuple[int, int]:
    if level in REGION_LEVELS:
        return _upsert(Region, batch, _region_fields, ["name", "level", "parent", "geometry"])
    if level == "grid":
        fields = ["name", "community", "kind", "households", "population", "geometry"]
        return _upsert(Grid, batch, _grid_fields, fields)
    return _upsert(MicroGrid, batch, _micro_fields, ["name", "grid", "households", "population", "geometry"])


def _upsert(model, batch, values_of, fields) -> tuple[int, int]:
    existing = model.objects.in_bulk([r.code for r in batch], field_name="code")
    parents = _parents_for(model, batch)
    new, changed, now = [], [], timezone.now()
    for record in batch:
        values = values_of(record, parents)
        obj = existing.get(record.code)
        if obj is None:
            new.append(model(code=record.code, **values))
        else:
            for name, value in {**values, "updated_at": now}.items():
                setattr(obj, name, value)
            changed.append(obj)
    model.objects.bulk_create(new, batch_size=1000)
    if changed:
        model.objects.bulk_update(changed, fields + ["updated_at"], batch_size=1000)
    return len(new), len(changed)


def _parents_for(model, batch) -> dict:
    codes = {r.parent_code for r in batch if r.parent_code}
    parent_model = {Region: Region, Grid: Region, MicroGrid: Grid}[model]
    return parent_model.objects.in_bulk(list(codes), field_name="code")


def _region_fields(record, parents) -> dict:
    parent = parents.get(record.parent_code) if record.parent_code else None
    return {"name": record.name, "level": record.level, "parent": parent, "geometry": record.geometry}


def _grid_fields(record, parents) -> dict:
    return {
        "name": record.name, "community": parents[record.parent_code], "kind": record.kind,
        "households": record.households, "population": record.population, "geometry": record.geometry,
    }


def _micro_fields(record, parents) -> dict:
    return {
        "name": record.name, "grid": parents[record.parent_code], "households": record.households,
        "population": record.population, "geometry": record.geometry,
    }
