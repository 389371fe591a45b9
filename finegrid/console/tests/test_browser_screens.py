"""Screens measured in a real browser: the leader's overview as one 大屏 (1920 × 1080, nothing
scrolls), and the pages a phone shows at 360 px."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from finegrid.cases.models import Case
from finegrid.cases.reporting import open_case

from .test_browser import open_as, pytestmark, shot  # noqa: F401 (fixtures and the Chromium check)

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


PHONE = (360, 780)


def _one_character_lines(page, selector) -> list[str]:
    """The texts under `selector` that the browser broke into lines of one character each."""
    return page.evaluate("""selector => [...document.querySelectorAll(selector)].filter(el => {
        const text = el.innerText.replace(/\\s+/g, ""); if (text.length < 3) return false;
        const range = document.createRange(); range.selectNodeContents(el);
        const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
        return lines >= text.length - 1;  // a line, or nearly, for every character
    }).map(el => el.innerText.trim())""", selector)


@pytest.mark.django_db(transaction=True)
def test_the_case_page_labels_read_across_at_360_px(world, open_as, live_server):
    """Seen: 案/件/编/号, one character per line, in the case page's facts at 360 px."""
    case = open_case(channel="hotline", title="沙头镇育新村第7网格环卫问题，垃圾清运不及时", category_code="C0101",
                     lon=119.405, lat=32.415, address="沙头镇育新村育新村第7网格 · 育新村第7网格（321002103203007013）")
    operator = open_as("operator", *PHONE)
    operator.goto(live_server.url + reverse("console:case", args=[case.ticket]))
    assert _one_character_lines(operator, "main th") == []
    assert operator.evaluate("document.documentElement.scrollWidth") <= PHONE[0]
    shot(operator, "case-page-360")


@pytest.mark.django_db(transaction=True)
def test_the_queue_fits_a_phone(world, open_as, live_server):
    """Seen: the 派遣 queue overflowing at 360 px, its title one character per line."""
    case = open_case(channel="hotline", title="红平村第3网格道路破损，坑洼积水", category_code="C0101",
                     lon=119.405, lat=32.415, address="头桥镇红平村红平村第3网格")
    Case.objects.filter(pk=case.pk).update(state=Case.State.ACCEPTED, due_at=timezone.now() + timedelta(days=2))
    dispatcher = open_as("dispatcher", *PHONE)
    dispatcher.goto(live_server.url + reverse("console:queue_named", args=["dispatch"]))
    dispatcher.wait_for_selector("table.list tbody td")
    dispatcher.wait_for_timeout(500)  # the suggestion is loaded when the row is revealed
    assert _one_character_lines(dispatcher, "table.list td") == []
    assert dispatcher.evaluate("document.documentElement.scrollWidth") <= PHONE[0]
    shot(dispatcher, "queue-360")
