"""The rules a grid file must keep. Each rule returns Problems naming the feature and the rule it
broke; the importer refuses the whole file when any rule finds one.

Rules: codes well formed and unique; the parent (from the file or the database) exists and its
code starts the child's; geometry valid (no self-crossing); a child inside its parent; no overlap
between neighbours of one level beyond a small tolerance."""

from dataclasses import dataclass

import numpy as np
import shapely
from django.conf import settings
from django.utils.translation import gettext as _

from .codes import check_code
from .geo import area_m2, areas_m2, to_metres
from .records import CODE_LENGTH, LEVEL_LABELS, REGION_LEVELS, FeatureRecord

MIN_AREA_M2 = 1.0
PARENT_LEVELS = {
    "district": (),
    "street": ("district",),
    "town": ("district",),
    "community": ("street", "town"),
    "village": ("street", "town"),
    "grid": ("community", "village"),
    "microgrid": ("grid",),
}


@dataclass(frozen=True)
class Problem:
    index: int  # the feature's 1-based position in the file; 0 for the file as a whole
    code: str
    rule: str
    message: str

    def __str__(self):
        where = _("feature %(index)s") % {"index": self.index} if self.index else _("file")
        code = f" {self.code}" if self.code else ""
        return f"{where}{code} [{self.rule}]: {self.message}"


def validate(records: list[FeatureRecord], existing: dict[str, FeatureRecord]) -> list[Problem]:
    """Check `records` (a whole file) against each other and the `existing` hierarchy by code.
    The records replace existing features of the same code."""
    problems = _check_duplicates(records)
    merged = {**existing, **{r.code: r for r in records}}
    for record in records:
        problems += _check_record(record, merged)
    problems += _check_overlaps(records, merged)
    return sorted(problems, key=lambda p: (p.index, p.rule))


def _check_duplicates(records) -> list[Problem]:
    seen, problems = {}, []
    for record in records:
        if record.code in seen:
            message = _("duplicate code: feature %(first)s has it too") % {"first": seen[record.code]}
            problems.append(Problem(record.index, record.code, "duplicate", message))
        seen.setdefault(record.code, record.index)
    return problems


def _check_record(record: FeatureRecord, merged: dict) -> list[Problem]:
    problem = _check_name(record) or _check_code(record, merged) or _check_geometry(record)
    if problem:
        return [problem]
    parent = merged.get(record.parent_code) if record.parent_code else None
    inside = _check_inside_parent(record, parent) if record.geometry is not None else None
    return [p for p in [inside, _check_kind(record)] if p]


def _check_name(record) -> Problem | None:
    if not record.name:
        return Problem(record.index, record.code, "name", _("the name is empty"))
    if len(record.name) > 64:
        return Problem(record.index, record.code, "name", _("the name is longer than 64 characters"))
    return None


def _check_code(record, merged) -> Problem | None:
    reason = check_code(record.code, CODE_LENGTH[record.level], record.parent_code)
    if reason:
        return Problem(record.index, record.code, "code", reason)
    if record.parent_code is None:
        return None
    parent = merged.get(record.parent_code)
    if parent is None:
        message = _("its parent %(parent)s is neither in the file nor in the database") % {
            "parent": record.parent_code
        }
        return Problem(record.index, record.code, "parent", message)
    if parent.level not in PARENT_LEVELS[record.level]:
        message = _("a %(level)s cannot belong to %(parent)s, which is a %(parent_level)s") % {
            "level": LEVEL_LABELS[record.level], "parent": parent.code,
            "parent_level": LEVEL_LABELS[parent.level],
        }
        return Problem(record.index, record.code, "parent", message)
    return None


def _check_geometry(record) -> Problem | None:
    geometry = record.geometry
    if geometry is None and record.level in REGION_LEVELS:
        return None
    if geometry is None or geometry.is_empty:
        return Problem(record.index, record.code, "geometry", _("the geometry is empty"))
    if not shapely.is_valid(geometry):
        reason = shapely.is_valid_reason(geometry)
        message = _("invalid polygon (%(reason)s)") % {"reason": reason}
        return Problem(record.index, record.code, "geometry", message)
    if area_m2(geometry) < MIN_AREA_M2:
        return Problem(record.index, record.code, "geometry", _("the polygon has no area"))
    return None


def _check_inside_parent(record, parent) -> Problem | None:
    if parent is None or parent.geometry is None or not shapely.is_valid(parent.geometry):
        return None
    outside = area_m2(shapely.difference(record.geometry, parent.geometry))
    if outside <= _tolerance(record):
        return None
    message = _("%(area).0f m² of it lies outside its parent %(parent)s") % {
        "area": outside, "parent": parent.code
    }
    return Problem(record.index, record.code, "outside-parent", message)


def _check_kind(record) -> Problem | None:
    from .models import Grid  # the model holds the list of kinds

    if record.level == "grid" and record.kind not in Grid.Kind.values:
        message = _("unknown grid kind %(kind)r; use one of %(kinds)s") % {
            "kind": record.kind, "kinds": ", ".join(Grid.Kind.values)
        }
        return Problem(record.index, record.code, "kind", message)
    return None


def _tolerance(record) -> float:
    """The area of a sliver as thin as the set tolerance along the whole outline, in m²."""
    perimeter_m = shapely.length(to_metres(record.geometry))
    return settings.FINEGRID_OVERLAP_TOLERANCE_M * perimeter_m


def _check_overlaps(records, merged) -> list[Problem]:
    """Neighbours of one level (grid with grid, street with street…) must not overlap."""
    problems = []
    for level_group in (("street", "town"), ("community", "village"), ("grid",), ("microgrid",)):
        mine = [r for r in records if r.level in level_group and _usable(r)]
        if mine:
            others = [r for r in merged.values() if r.level in level_group and _usable(r)]
            problems += _overlaps_among(mine, others)
    return problems


def _usable(record) -> bool:
    return record.geometry is not None and not record.geometry.is_empty and shapely.is_valid(record.geometry)


def _overlaps_among(mine, others) -> list[Problem]:
    # Vectorised: a district has ~15,000 micro-grids and ~90,000 touching pairs of them.
    mine_geoms = np.array([r.geometry for r in mine])
    other_geoms = np.array([r.geometry for r in others])
    i, j = shapely.STRtree(other_geoms).query(mine_geoms, predicate="intersects")
    keep = np.array([mine[a].code != others[b].code for a, b in zip(i, j)], dtype=bool)
    i, j = i[keep], j[keep]
    shared = areas_m2(shapely.intersection(mine_geoms[i], other_geoms[j]))
    problems, reported, tolerances = [], set(), {}

    def tolerance(record) -> float:  # each record touches several others: project its outline once
        if id(record) not in tolerances:
            tolerances[id(record)] = _tolerance(record)
        return tolerances[id(record)]

    for a, b, area in zip(i, j, shared):
        first, second = mine[a], others[b]
        if area <= min(tolerance(first), tolerance(second)) or (second.code, first.code) in reported:
            continue
        reported.add((first.code, second.code))
        message = _("it overlaps %(other)s by %(area).0f m²") % {"other": second.code, "area": area}
        problems.append(Problem(first.index, first.code, "overlap", message))
    return problems

