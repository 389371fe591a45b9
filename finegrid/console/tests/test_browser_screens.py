"""Screens measured in a real browser: the leader's overview as one 大屏 (1920 × 1080, nothing
scrolls), and the pages a phone shows at 360 px."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from finegrid.cases.models import Case
from finegrid.cases.reporting import open_case

from .test_browser import browser, open_as, pytestmark, shot  # noqa: F401 (fixtures and the Chromium check)

WALL = (1920, 1080)


def _busy_district(n=14):
    """Enough overdue cases that every list of the overview is full."""
    for i in range(n):
        case = open_case(channel="hotline", title=f"小区门口积水第{i}处，雨后一直排不掉", category_code="C0101",
                         lon=119.405, lat=32.415)
        Case.objects.filter(pk=case.pk).update(state=Case.State.DISPATCHED, due_at=timezone.now() - timedelta(hours=i + 1))


def _height(page) -> int:
    return page.evaluate("document.documentElement.scrollHeight")


@pytest.mark.django_db(transaction=True)
def test_the_overview_fits_one_1920_by_1080_screen(world, open_as, live_server):
    """Seen: 2,670 px tall at 1600 px wide. On a 大屏 every panel is on the one screen."""
    _busy_district()
    leader = open_as("leader", *WALL)
    leader.goto(live_server.url + reverse("console:overview"))
    leader.wait_for_selector("#h-live + div ul.feed")
    leader.wait_for_timeout(600)  # the other panels load after the page
    assert _height(leader) <= WALL[1]
    assert leader.evaluate("document.documentElement.scrollWidth") <= WALL[0]
    for heading in ("h-trend", "h-streets", "h-units", "h-overdue", "h-live", "h-topics", "h-alarms"):
        box = leader.locator(f"#{heading}").bounding_box()
        assert box and box["y"] + box["height"] <= WALL[1], heading
    shot(leader, "overview-wall-1920x1080")
