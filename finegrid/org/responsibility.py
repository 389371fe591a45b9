"""Reading the responsibility matrix: which unit handles a category in a place.

The most specific row wins: a row for the exact category beats one for its parent category
(codes nest: 大类 "01" covers 小类 "0101"), and a row for the community beats one for the street,
which beats one for the whole district."""

from .models import Responsibility, Unit


def units_for(category_code: str, area_code: str) -> list[Unit]:
    """The units responsible for `category_code` at the grid or region with code `area_code`,
    best first (primary before secondary). Empty when the matrix has no row that applies."""
    return [row.unit for row in rows_for(category_code, area_code)]


def rows_for(category_code: str, area_code: str) -> list[Responsibility]:
    """The matrix rows that decide, all of the same (highest) specificity, primary ones first."""
    rows = Responsibility.objects.filter(
        category_code__in=_prefixes(category_code), region__code__in=_prefixes(area_code)
    ).select_related("unit", "region")
    rows = [row for row in rows if row.unit.active]
    if not rows:
        return []
    best = max(_specificity(row) for row in rows)
    return sorted((row for row in rows if _specificity(row) == best), key=lambda r: (not r.primary, r.unit.code))


def _specificity(row: Responsibility) -> tuple[int, int]:
    return (len(row.category_code), len(row.region.code))


def _prefixes(code: str) -> list[str]:
    return [code[:end] for end in range(1, len(code) + 1)]
