from datetime import datetime, timedelta, timezone as tz

import pytest

from finegrid.cases import listing
from finegrid.cases.listing import ORDERINGS, page_of
from finegrid.cases.models import Case
from finegrid.cases.reporting import open_case
from finegrid.cases.workflow import perform

TUESDAY = datetime(2026, 3, 10, 2, 0, tzinfo=tz.utc)


@pytest.fixture
def cases(world):
    """Nine cases: some accepted (with deadlines, two sharing one), some not (no deadline)."""
    made = []
    for i in range(9):
        at = TUESDAY + timedelta(minutes=10 * (i % 5))  # reported_at repeats: the id breaks ties
        case = open_case(channel="patrol", title=f"井盖{i}", category_code="C0101", lon=119.4075, lat=32.4150, now=at)
        if i % 3:
            perform(case, "accept", world["operator"], now=at if i != 4 else TUESDAY)
        made.append(case)
    return made


@pytest.mark.parametrize("ordering", list(ORDERINGS))
def test_a_small_list_sorted_in_memory_is_in_the_databases_order(cases, ordering, monkeypatch):
    expected = list(Case.objects.order_by(*ORDERINGS[ordering]).values_list("pk", flat=True))
    pages = [page_of(Case.objects.all(), ordering, offset, 4) for offset in (0, 4, 8)]
    assert [case.pk for rows, _count in pages for case in rows] == expected
    assert {count for _rows, count in pages} == {9}
    # The large-list path (the database orders) gives the same pages.
    monkeypatch.setattr(listing, "COUNT_CAP", 8)  # 9 cases: more than the cap
    assert [case.pk for rows, _ in (page_of(Case.objects.all(), ordering, o, 4) for o in (0, 4, 8))
            for case in rows] == expected


def test_a_page_past_the_end_is_empty_without_fetching(cases, django_assert_num_queries):
    with django_assert_num_queries(1):  # the count alone
        assert page_of(Case.objects.all(), "-reported_at", 40, 20) == ([], 9)
