"""`finegrid bench console`: server-side timings of the console's main pages on the database
configured (the demo's, e.g. after `finegrid seed-demo --cases 1000000`), as medians of several
requests, each with its query count, against the health check measured in the same run (the
floor of a request through the whole middleware stack)."""

import statistics
import time

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from finegrid.cases.models import Case

from . import panels

# (figure name, demo user, page); the case page uses the newest overdue case the operator sees.
PAGES = [
    ("command", "operator", "console:command"),
    ("command_street_overdue", "operator", "console:command", "?area=321002001&measure=overdue"),
    ("feed", "operator", "console:feed"),
    ("queue", "dispatcher", "console:queue"),
    ("cases", "operator", "console:cases"),
    ("cases_overdue_filter", "operator", "console:cases", "?overdue=true"),
    ("overview", "leader", "console:overview"),
    ("unit_desk", "handler_cgj", "console:unit_desk"),
    ("worker", "gw321002001001001", "console:worker"),
    ("supervisor", "supervisor", "console:home"),
    # The overview's slow panels, as a leader sees them once their snapshots exist (panels.py).
    ("trend", "leader", "console:trend"),
    ("ranking_street", "leader", ("console:ranking", "street")),
    ("ranking_unit", "leader", ("console:ranking", "unit")),
    ("hot_topics", "leader", "console:hot_topics"),
]


def main(repeats: int = 5, out=None, **_) -> dict:
    figures = {"cases_in_database": Case.objects.count()}
    health = _timed(Client(HTTP_HOST="127.0.0.1"), reverse("health"), repeats)[0]
    figures["health_baseline_ms"] = round(health, 2)
    figures.update(_refresh_times(out))
    for name, username, page, *query in PAGES:
        client = _signed_in(username)
        url = reverse(page[0], args=page[1:]) if isinstance(page, tuple) else reverse(page)
        median, queries = _timed(client, url + (query[0] if query else ""), repeats)
        figures[f"{name}_ms"] = round(median, 1)
        figures[f"{name}_queries"] = queries
        figures[f"{name}_vs_health"] = round(median / health, 1)
        if out:
            out.write(f"{name}: {median:.1f} ms, {queries} queries\n")
    ticket = Case.objects.filter(due_at__isnull=False).order_by("-pk").values_list("ticket", flat=True).first()
    if ticket:
        median, queries = _timed(_signed_in("operator"), reverse("console:case", args=[ticket]), repeats)
        figures.update(case_page_ms=round(median, 1), case_page_queries=queries)
    return figures


def _refresh_times(out=None) -> dict:
    """Seconds each slow panel takes to compute — work done after a response has been sent, once
    per panel's age limit, instead of inside the leader's page."""
    month = timezone.localtime().strftime("%Y-%m")
    times = {}
    for name, key in (("trend", panels.WHOLE_DISTRICT), ("ranking", f"street:{month}"),
                      ("ranking", f"unit:{month}"), ("topics", month)):
        start = time.perf_counter()
        panels.refresh(name, key)
        label = f"{name}_{key.split(':')[0]}" if name == "ranking" else name
        times[f"{label}_refresh_s"] = round(time.perf_counter() - start, 2)
        if out:
            out.write(f"{label} computed in {times[f'{label}_refresh_s']} s (after a response, not in one)\n")
    return times


def _signed_in(username: str) -> Client:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(username=username))
    return client


def _timed(client: Client, url: str, repeats: int) -> tuple[float, int]:
    client.get(url)  # warm: templates compiled, the locator and caches loaded
    samples, queries = [], 0
    for _ in range(repeats):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url)
            samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(captured)
    return statistics.median(samples), queries
