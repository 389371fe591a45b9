"""What the case engine's data measures for other apps: the cases closed in a category and an
area over a span (declared as a `task_measures` source on CasesConfig, read by the key tasks)."""

from datetime import datetime

from .models import Case
from .states import S


def cases_closed(params: dict, since: datetime | None, until: datetime) -> int:
    """Cases closed (办结, rated or not) from `since` to `until` whose category's code starts with
    `category` and whose area code starts with `area` (a street's code counts its communities)."""
    rows = Case.objects.filter(state__in=(S.CLOSED, S.RATED), closed_at__lte=until,
                               category__code__startswith=params.get("category", ""),
                               area_code__startswith=params.get("area", ""))
    if since is not None:
        rows = rows.filter(closed_at__gte=since)
    return rows.count()
