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


def sole_primary(rows: list[Responsibility]) -> Unit | None:
    """The one primary unit among the deciding rows, or None when there is none or several: then a
    dispatcher chooses (派遣 is automatic only when the matrix is unambiguous)."""
    primary = [row.unit for row in rows if row.primary]
    return primary[0] if len(primary) == 1 else None


def unit_for(category_code: str, area_code: str, matrix: "Matrix | None" = None) -> Unit | None:
    """The unit a case of `category_code` at `area_code` goes to by itself, or None: the one
    resolver every path uses (live 立案, batch opening, the demo history)."""
    rows = matrix.rows_for(category_code, area_code) if matrix else rows_for(category_code, area_code)
    return sole_primary(rows)


class Matrix:
    """The whole matrix read in one query, for work that asks it thousands of times (imports, bulk
    opening, the demo history); it answers exactly as `rows_for` does."""

    def __init__(self):
        self._rows: dict[tuple[str, str], list[Responsibility]] = {}
        for row in Responsibility.objects.filter(unit__active=True).select_related("unit", "region"):
            self._rows.setdefault((row.category_code, row.region.code), []).append(row)
        self._answers: dict[tuple[str, str], list[Responsibility]] = {}

    def rows_for(self, category_code: str, area_code: str) -> list[Responsibility]:
        key = (category_code, area_code)
        if key not in self._answers:
            self._answers[key] = self._decide(category_code, area_code)
        return self._answers[key]

    def _decide(self, category_code: str, area_code: str) -> list[Responsibility]:
        best, chosen = None, []
        for category in _prefixes(category_code):
            for area in _prefixes(area_code):
                rows = self._rows.get((category, area))
                if rows and (best is None or (len(category), len(area)) > best):
                    best, chosen = (len(category), len(area)), rows
        return sorted(chosen, key=lambda r: (not r.primary, r.unit.code))


def _specificity(row: Responsibility) -> tuple[int, int]:
    return (len(row.category_code), len(row.region.code))


def _prefixes(code: str) -> list[str]:
    return [code[:end] for end in range(1, len(code) + 1)]
