"""`finegrid report petitions --month 2026-11`: the month's 信访形势 — how many came, by channel,
by field and by street, against the month before (the trend), the figures of the cohort, and the
matters that came again."""

from collections import Counter
from datetime import UTC, datetime

from django.db.models import Count

from finegrid.grid.models import Region

from finegrid.cases.evaluation import COHORTS

from .figures import LEADERS_LOOK_AT, side_by_side
from .models import Petition
from .rules import LOCAL


def month_span(month: str) -> tuple[datetime, datetime]:
    year, number = (int(part) for part in month.split("-"))
    start = datetime(year, number, 1, tzinfo=LOCAL)
    end = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=LOCAL)
    return start.astimezone(UTC), end.astimezone(UTC)


def previous(month: str) -> str:
    year, number = (int(part) for part in month.split("-"))
    return f"{year - 1}-12" if number == 1 else f"{year}-{number - 1:02d}"


def counted(month: str, by: str) -> Counter:
    start, end = month_span(month)
    rows = Petition.objects.filter(registered_at__gte=start, registered_at__lt=end)
    if by == "street":
        return _streets(rows)
    return Counter(dict(rows.values_list(by).annotate(n=Count("pk")).values_list(by, "n")))


def _streets(rows) -> Counter:
    found = Counter()
    for code, n in rows.values_list("area_code").annotate(n=Count("pk")).values_list("area_code", "n"):
        found[code[:9] or "—"] += n
    return found


def situation(month: str) -> dict:
    """The month and the month before, by field, street and channel, and the cohort's figures."""
    before = previous(month)
    start, end = month_span(month)
    return {
        "month": month, "before": before,
        "total": sum(counted(month, "channel").values()), "total_before": sum(counted(before, "channel").values()),
        **{by: (counted(month, by), counted(before, by)) for by in ("field", "street", "channel")},
        # The petitions' rates beside the disputes' 化解率 by street and unit; by 包案 leader the petitions'.
        "figures": {by: side_by_side(start, end, by) for by in ("street", "unit", "leader")},
    }


def write(command, month, kind, output, lang) -> None:
    found = situation(month)
    out = command.stdout
    out.write(f"信访形势 {month}: {found['total']} petitions ({found['before']}: {found['total_before']})\n")
    for by, title in (("field", "by field"), ("street", "by street"), ("channel", "by channel")):
        now, then = found[by]
        out.write(f"\n{title}:\n")
        names = dict(Region.objects.filter(code__in=list(now | then)).values_list("code", "name")) if by == "street" else {}
        for key in sorted(set(now) | set(then), key=lambda k: (-now[k], str(k))):
            change = now[key] - then[key]
            label = f"{key} {names[key]}" if key in names else key or "—"
            out.write(f"  {label}\t{now[key]}\t({'+' if change >= 0 else ''}{change})\n")
    terms = {key: ind.term for cohort in COHORTS for key, ind in cohort.indicators.items()}
    for by, rows in found["figures"].items():
        out.write(f"\nfigures by {by}:\n")
        for row in rows:
            values = "  ".join(f"{terms.get(k, k)}={'—' if v is None else f'{v:.0%}'}" for k, v in row.values.items()
                               if k in LEADERS_LOOK_AT)
            out.write(f"  {row.key} {row.name}\t{values}\n")
