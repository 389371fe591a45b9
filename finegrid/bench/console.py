"""`finegrid bench console`: server-side timings of the console's main pages on the database
configured (the demo's, e.g. after `finegrid seed-demo --cases 1000000`), as medians of several
requests, each with its query count, against the health check measured in the same run (the
floor of a request through the whole middleware stack)."""

import statistics
import time
from wsgiref.util import setup_testing_defaults

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.handlers.wsgi import WSGIHandler
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from finegrid.bench import timed_page
from finegrid.cases.models import Case

from finegrid.console import panels
from finegrid.console.models import PanelSnapshot

# (figure name, demo user, page); the case page uses the newest overdue case the operator sees.
PAGES = [
    ("command", "operator", "console:command"),
    ("command_street_overdue", "operator", "console:command", "?area=321002001&measure=overdue"),
    ("command_grid_markers", "operator", "console:command", "?area=321002001001001"),
    ("queue_accept", "operator", ("console:queue_named", "accept")),
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
    # The month's full hot-issue report, as refresh-overview left it (see _report_times for the old way).
    ("hot_issues_page", "leader", "insight:hot-issues"),
]


def main(repeats: int = 5, out=None, **_) -> dict:
    figures = {"cases_in_database": Case.objects.count()}
    health = timed_page(Client(HTTP_HOST="127.0.0.1"), reverse("health"), repeats)[0]
    figures["health_baseline_ms"] = round(health, 2)
    figures.update(_refresh_times(out))
    figures.update(_report_times(out))
    figures.update(_export_times(out))
    for name, username, page, *query in PAGES:
        client = _signed_in(username)
        url = reverse(page[0], args=page[1:]) if isinstance(page, tuple) else reverse(page)
        median, queries = timed_page(client, url + (query[0] if query else ""), repeats)
        figures[f"{name}_ms"] = round(median, 1)
        figures[f"{name}_queries"] = queries
        figures[f"{name}_vs_health"] = round(median / health, 1)
        if out:
            out.write(f"{name}: {median:.1f} ms, {queries} queries\n")
    waiting = Case.objects.filter(state__in=["collected", "verified"]).order_by("due_at", "pk").values_list("ticket", flat=True).first()
    if waiting:  # the 立案 queue's suggestion of its first row (insight's labels or model, the matrix)
        median, queries = timed_page(_signed_in("operator"), reverse("console:queue_hint", args=[waiting]), repeats)
        figures.update(queue_hint_ms=round(median, 1), queue_hint_queries=queries)
    ticket = Case.objects.filter(due_at__isnull=False).order_by("-pk").values_list("ticket", flat=True).first()
    if ticket:
        median, queries = timed_page(_signed_in("operator"), reverse("console:case", args=[ticket]), repeats)
        figures.update(case_page_ms=round(median, 1), case_page_queries=queries)
    return figures


SLOW_PANELS = [("trend", "console:trend", ()), ("ranking_street", "console:ranking", ("street",)),
               ("ranking_unit", "console:ranking", ("unit",)), ("hot_topics", "console:hot_topics", ())]


def _refresh_times(out=None) -> dict:
    """The overview's slow panels with no snapshot yet, as the first leader meets them: the time
    to the response (the WSGI handler's return, as a server sends it) and the seconds of work done
    after it, when the server closes the response (panels.refresh_after)."""
    PanelSnapshot.objects.all().delete()
    client, times = _signed_in("leader"), {}
    for name, page, args in SLOW_PANELS:
        first, after = _first_request(client, reverse(page, args=args))
        times[f"{name}_first_load_ms"], times[f"{name}_refresh_s"] = round(first, 1), round(after, 2)
        if out:
            out.write(f"{name}: first load {first:.1f} ms, computed after the response in {after:.2f} s\n")
    month = timezone.localtime().strftime("%Y-%m")
    start = time.perf_counter()  # the hot topics: computed only by `finegrid refresh-overview`
    panels.refresh("topics", month)
    times["hot_topics_compute_s"] = round(time.perf_counter() - start, 2)
    if out:
        out.write(f"hot_topics: computed beside the server (refresh-overview) in {times['hot_topics_compute_s']} s\n")
    return times


def _report_times(out=None) -> dict:
    """The hot-issue report computed and rendered, as its page did for every reader before
    refresh-overview kept it (the baseline of hot_issues_page_ms)."""
    from finegrid.insight.report import month_report, render_html

    month = timezone.localtime().strftime("%Y-%m")
    samples = []
    for _ in range(3):
        start = time.perf_counter()
        render_html(month_report(month))
        samples.append((time.perf_counter() - start) * 1000)
    if out:
        out.write(f"hot_issues_page computed per request (before): {statistics.median(samples):.1f} ms\n")
    return {"hot_issues_computed_ms": round(statistics.median(samples), 1)}


def _export_times(out=None) -> dict:
    """The operator's whole case list exported: ms to the first bytes of the body (the response's
    headers and the table's header row) and s to the last, in CSV (streamed) and Excel."""
    client, figures = _signed_in("operator"), {}
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    for fmt in ("csv", "xlsx"):
        environ = {"PATH_INFO": reverse("console:cases"), "QUERY_STRING": f"export={fmt}", "HTTP_HOST": "127.0.0.1",
                   "HTTP_COOKIE": cookie}
        setup_testing_defaults(environ)
        start = time.perf_counter()
        body = iter(WSGIHandler()(environ, lambda status, headers: None))
        next(body), next(body, b"")  # csv: the byte-order mark, then the header row
        first = (time.perf_counter() - start) * 1000
        size = sum(len(chunk) for chunk in body)
        figures[f"export_{fmt}_first_byte_ms"] = round(first, 1)
        figures[f"export_{fmt}_total_s"] = round(time.perf_counter() - start, 2)
        if out:
            out.write(f"export {fmt}: first bytes {first:.1f} ms, all {figures[f'export_{fmt}_total_s']} s ({size} bytes)\n")
    return figures


def _first_request(client: Client, path: str) -> tuple[float, float]:
    """(ms until the WSGI handler returns the response, s spent in its close())."""
    environ = {"PATH_INFO": path, "HTTP_HOST": "127.0.0.1",
               "HTTP_COOKIE": f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"}
    setup_testing_defaults(environ)
    start = time.perf_counter()
    response = WSGIHandler()(environ, lambda status, headers: None)
    answered = time.perf_counter()
    b"".join(response)
    response.close()
    return (answered - start) * 1000, time.perf_counter() - answered


def _signed_in(username: str) -> Client:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(username=username))
    return client
