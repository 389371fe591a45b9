"""Query counts of the main pages, pinned so an N+1 shows up: each page is loaded with a dozen
cases in several states, and its count must not grow with them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from finegrid.cases.machine import MACHINES
from finegrid.cases.reporting import open_case
from finegrid.cases.workflow import perform

# page, who, the most queries it may make (measured, then pinned)
PAGES = [
    ("console:command", "operator", 15),  # +1: the next level's outlines (maps.grandchildren_outlines)
    ("console:cases", "operator", 8),
    ("console:queue", "operator", 9),
    ("console:feed", "operator", 11),  # +3: sensor alarms (the scope, read once, and the alarms)
    ("console:overview", "leader", 15),  # +4: the sensor alarms panel (its scope, counts by colour, the worst)
    ("console:unit_desk", "handler_cgj", 9),
    ("console:worker", "worker_a", 11),
    ("console:audit", "auditor", 6 + len(MACHINES)),  # one read per source: audit entries and each machine's transitions
    ("console:trend", "leader", 9),
    ("console:home", "supervisor", 9),
    ("console:administration", "admin", 7),
    ("console:password", "operator", 3),
    ("console:hot_topics", "leader", 6),
]


def _cases(world, n):
    made = []
    for i in range(n):
        case = open_case(channel="web", title=f"井盖 {i}", category_code="C0101", lon=119.401 + 0.0005 * i, lat=32.415)
        if i % 2:
            perform(case, "accept", world["operator"])
            perform(case, "dispatch", world["dispatcher"], unit=world["cgj"])
        made.append(case)
    return made


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("page,who,most", PAGES)
def test_main_pages_keep_their_query_count(client, world, page, who, most):
    client.force_login(world[who])
    client.get(reverse(page))  # the first request of a session stores its last-seen time
    _cases(world, 3)
    few = _count(client, reverse(page))
    _cases(world, 12)
    many = _count(client, reverse(page))
    assert many <= most, f"{page}: {many} queries"
    assert many == few, f"{page}: {few} queries with 3 cases, {many} with 15 (N+1?)"


def test_case_page_keeps_its_query_count(client, world, django_assert_max_num_queries):
    cases = _cases(world, 6)
    client.force_login(world["operator"])
    url = reverse("console:case", args=[cases[1].ticket])
    with django_assert_max_num_queries(30):
        assert client.get(url).status_code == 200
