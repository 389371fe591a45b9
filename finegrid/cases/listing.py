"""Lists of cases: the filters and orderings every case list offers (API and console alike)."""

from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

from django.db.models import F, Q, QuerySet
from django.utils import timezone
from ninja import Field, Schema

from finegrid.org.models import Unit

from .states import RUNNING
from .models import Case, Category
from .visibility import in_area

# Counting a whole district's million cases costs more than fetching a page of them, so a count
# stops at this many, and pages end there too: OFFSET 500000 would read half the table. Past it a
# client narrows the filters (state, dates, area) or reverses the order.
COUNT_CAP = 5_000

ORDERINGS = {
    "-reported_at": ("-reported_at", "-id"),
    "reported_at": ("reported_at", "id"),
    "due_at": (F("due_at").asc(nulls_last=True), "id"),  # most urgent first; no deadline last
    "-due_at": (F("due_at").desc(nulls_last=True), "-id"),
}


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)  # stands in for a missing deadline, which sorts by id alone


def _sort_key(ordering: str):
    """ORDERINGS[ordering] as (a sort key over (id, reported_at, due_at) rows, reverse)."""
    newest = ordering.startswith("-")
    if ordering.endswith("reported_at"):
        return (lambda row: (row[1], row[0])), newest
    # Without a deadline comes last either way: ascending, True sorts after False; descending, False
    # sorts after True.
    has_none = (lambda due: due is not None) if newest else (lambda due: due is None)
    return (lambda row: (has_none(row[2]), row[2] or EPOCH, row[0])), newest


class CaseFilters(Schema):
    state: list[Case.State] = Field(default_factory=list, description="repeat for several states")
    category: str | None = Field(None, max_length=16, description="category code prefix (C01 covers C0101…)")
    unit: str | None = Field(None, max_length=32, description="code of the unit the case is with")
    area: str | None = Field(None, pattern=r"^\d{1,18}$", description="area code prefix (street, grid…)")
    channel: Case.Channel | None = None
    alarm: Literal["yellow", "red"] | None = None
    overdue: bool | None = Field(None, description="open, not parked, and past its deadline")
    reported_from: date | None = Field(None, description="first day, Asia/Shanghai")
    reported_to: date | None = Field(None, description="last day (inclusive), Asia/Shanghai")
    q: str | None = Field(None, min_length=1, max_length=100, description="a ticket's first digits, or text in the title")
    ordering: Literal[tuple(ORDERINGS)] = "-reported_at"
    page: int = Field(1, ge=1)
    page_size: int = Field(20, ge=1, le=100)


def filtered(cases: QuerySet, f: CaseFilters, now: datetime) -> QuerySet:
    # Categories and units are matched by code through a subquery, not a join, so the
    # (category, reported_at) and (unit, state, due_at) indexes stay usable.
    shanghai = timezone.get_default_timezone()
    conditions = {
        "state__in": f.state or None,
        "category__in": Category.objects.filter(code__startswith=f.category) if f.category else None,
        "unit__in": Unit.objects.filter(code=f.unit) if f.unit else None,
        "channel": f.channel, "alarm": f.alarm,
        "reported_at__gte": datetime.combine(f.reported_from, time.min, shanghai) if f.reported_from else None,
        "reported_at__lt": datetime.combine(f.reported_to + timedelta(days=1), time.min, shanghai)
        if f.reported_to else None,
    }
    cases = cases.filter(**{key: value for key, value in conditions.items() if value is not None})
    if f.area:
        cases = cases.filter(in_area(f.area))
    if f.q:
        cases = cases.filter(Q(ticket__startswith=f.q) | Q(title__icontains=f.q))
    if f.overdue is not None:
        overdue = Q(state__in=RUNNING, due_at__lt=now)
        cases = cases.filter(overdue) if f.overdue else cases.exclude(overdue)
    return cases


def page_of(cases: QuerySet, ordering: str, offset: int, size: int) -> tuple[list[Case], int]:
    """One page of `cases` in `ordering`, and how many there are up to COUNT_CAP + 1 (more than the
    cap means "more than we counted"). A list of at most COUNT_CAP cases is ordered in memory from
    its keys: the filters' own index finds them, where the time index would have the database walk
    a million rows to find the few hundred overdue cases, or to learn that a page is past the end."""
    count = cases.order_by()[:COUNT_CAP + 1].count()
    if offset >= count:
        return [], count
    if count > COUNT_CAP:
        return list(cases.order_by(*ORDERINGS[ordering])[offset:offset + size]), count
    key, reverse = _sort_key(ordering)
    keys = sorted(cases.order_by().values_list("id", "reported_at", "due_at"), key=key, reverse=reverse)
    ids = [row[0] for row in keys[offset:offset + size]]
    found = {case.pk: case for case in cases.filter(pk__in=ids)}
    return [found[pk] for pk in ids if pk in found], count
