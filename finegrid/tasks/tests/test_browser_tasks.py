"""大督查's main journey in a real browser (Debian's Chromium, driven by Playwright), by clicking
the pages' own forms: the 督查室 reviews a draft (splits a clause beside its passage) and issues
the tree; the lead unit confirms and reports with a target's figure; the morning's pass flags the
clause that is past its deadline red, and the desk and the task page say so (督办单)."""

import pytest
from django.urls import reverse

from finegrid.cases import supervision
from finegrid.conftest import needs_chromium
from finegrid.console.tests.test_browser import open_as, shot  # noqa: F401 — fixtures
from finegrid.tasks import rules
from finegrid.tasks.engine import roll_up
from finegrid.tasks.models import KeyTask, SupervisionOrder
from finegrid.tasks.store import store

from .factories import START, outline

pytestmark = needs_chromium


def act(page, action, **fields):
    form = page.locator(f"form:has(input[name=action][value={action}])")
    for name, value in fields.items():
        form.locator(f"[name={name}]").fill(value)
    form.locator("button").click()
    page.wait_for_load_state()


@pytest.mark.django_db(transaction=True)
def test_review_issue_report_and_flag(world, open_as, live_server):
    rules.forget()
    document = store(outline(), title="浏览器测试报告", actor=world["supervision"], now=START)
    first = document.tasks.get(number="一是")
    office = open_as("supervision")
    office.goto(live_server.url + reverse("tasks:task", args=[first.pk]))
    assert "一是推动园区扩容" in office.locator("mark.passage").first.inner_text()
    act(office, "split", cuts="年底前")
    assert [c.passage for c in first.children.order_by("order")] == ["一是推动园区扩容，", "年底前建成标准厂房10万平方米。"]
    office.goto(live_server.url + reverse("tasks:desk"))
    office.locator("form[action$='/issue/'] button").click()
    office.wait_for_load_state()
    assert not document.tasks.filter(state=KeyTask.State.DRAFT).exists()

    unit = open_as("handler_cgj")
    part = first.children.order_by("order").last()
    late = document.tasks.get(number="二是")  # due 2026-06-30
    for task, percent in ((part, "40"), (late, "70")):
        unit.goto(live_server.url + reverse("tasks:task", args=[task.pk]))
        act(unit, "confirm")
        target = task.targets.first()
        act(unit, "report_progress", percent=percent, done="按计划推进",
            **({f"target_{target.pk}": "4.5"} if target else {}))
    part.refresh_from_db()
    assert part.progress == 40 and part.targets.get().reached == 4.5
    shot(unit, "tasks-unit-report")

    roll_up()
    supervision.tick(models=(KeyTask,))  # the morning's pass: 二是 is past its deadline at 70 %
    late.refresh_from_db()
    assert late.alarm == "red" and SupervisionOrder.objects.filter(task=late).exists()
    office.goto(live_server.url + reverse("tasks:desk") + "?colour=red")
    assert "加快城管执法改革" in office.locator("main").inner_text()
    office.goto(live_server.url + reverse("tasks:task", args=[late.pk]))
    assert "督办单" in office.locator("main").inner_text()
    shot(office, "tasks-red")
