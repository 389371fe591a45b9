"""The responsibility matrix read once for a whole import, answering in memory what
`org.responsibility.rows_for` answers with one query per (category, community): the most specific
rows (longest category code, then longest region code) decide, and a case is dispatched at once
only when they name exactly one active primary unit."""

from finegrid.org.models import Responsibility


class Matrix(dict):
    """(category code, community code) → the one primary unit, or None; filled on first use."""

    def __init__(self):
        super().__init__()
        rows = Responsibility.objects.select_related("unit", "region").filter(unit__active=True)
        self.by_category: dict[str, list] = {}
        for row in rows:
            self.by_category.setdefault(row.category_code, []).append(row)

    def __missing__(self, key):
        category_code, area_code = key
        rows = [row for end in range(1, len(category_code) + 1)
                for row in self.by_category.get(category_code[:end], ()) if area_code.startswith(row.region.code)]
        unit = None
        if rows:
            best = max((len(r.category_code), len(r.region.code)) for r in rows)
            primary = [r.unit for r in rows if (len(r.category_code), len(r.region.code)) == best and r.primary]
            unit = primary[0] if len(primary) == 1 else None
        self[key] = unit
        return unit

    def __contains__(self, key):
        self[key]  # noqa: B018 — answer from memory, so bulk never falls back to a query
        return True
