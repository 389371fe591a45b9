"""The console in a real browser (Debian's Chromium, driven by Playwright): every role signs in
and lands on its desk, a resident's report goes through 立案, 派遣, 处置, 核查 and 结案 to the
rating by clicking the case page's own buttons, and a grid worker cannot open another grid's
case. Screenshots of the key pages are saved under test-artifacts/."""

from pathlib import Path

import pytest
from django.urls import reverse

from finegrid.cases.models import Case
from finegrid.cases.reporting import open_case
from finegrid.cases.tests.factories import image_bytes, make_category
from finegrid.conftest import needs_chromium

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
PNG = image_bytes()  # a real picture: evidence is decoded and re-encoded

pytestmark = needs_chromium


@pytest.fixture
def open_as(browser, live_server):
    pages = []

    def sign_in(username, width=1366, height=900):
        context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
        page = context.new_page()
        page.goto(live_server.url + reverse("login"))
        page.fill("#id_username", username)
        page.fill("#id_password", "Test-password-1")
        page.click("button[type=submit]")
        page.wait_for_load_state()
        pages.append(context)
        return page

    yield sign_in
    for context in pages:
        context.close()


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


LANDINGS = [("leader", "console:overview"), ("operator", "console:command"), ("supervisor", "console:home"),
            ("handler_cgj", "console:unit_desk"), ("worker_a", "console:worker"), ("sysadmin", "console:home"),
            ("secadmin", "console:security"), ("auditor", "console:audit")]


@pytest.mark.django_db(transaction=True)
def test_every_role_signs_in_to_its_own_desk(world, open_as, live_server):
    for username, landing in LANDINGS:
        width = 360 if username.startswith("worker") else 1366
        page = open_as(username, width=width)
        assert page.url == live_server.url + reverse(landing), username
        assert page.locator("main").inner_text().strip()
        shot(page, f"desk-{username}")


def _act(page, action, **fields):
    """Open the action's <details>, fill its form and press its button, as a person would."""
    form = page.locator(f"form[action$='/act/{action}/']")
    form.locator("xpath=..").locator("summary").click()
    for name, value in fields.items():
        if name == "photos":
            form.locator("input[name=photos]").set_input_files(value)
        elif name == "unit":
            form.locator("select[name=unit]").select_option(value)
        else:
            form.locator(f"[name={name}]").fill(str(value))
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".msg-success").count() == 1, page.locator(".messages").inner_text()


@pytest.mark.django_db(transaction=True)
def test_a_report_goes_to_the_rating_through_the_pages(world, open_as, live_server, tmp_path):
    make_category("C0102", name="路灯", check=True)
    case = open_case(channel="web", title="东关街路灯不亮", category_code="C0102", lon=119.405, lat=32.415,
                     address="东关街 18 号", reporter=world["resident"], reporter_name="王五",
                     reporter_phone="13800005678")
    url = live_server.url + reverse("console:case", args=[case.ticket])
    photo = tmp_path / "after.png"
    photo.write_bytes(PNG)

    operator = open_as("operator")
    operator.goto(url)
    shot(operator, "case-reported")
    _act(operator, "accept")
    _act(operator, "dispatch", unit="cgj")

    handler = open_as("handler_cgj")
    handler.goto(url)
    _act(handler, "start")
    _act(handler, "report_done", reason="已更换灯泡", photos=str(photo))

    worker = open_as("worker_a", width=360, height=740)
    worker.goto(live_server.url + reverse("console:worker"))
    assert case.ticket in worker.content()
    worker.goto(url)
    _act(worker, "check_ok")
    shot(worker, "case-checked-mobile")

    operator.goto(url)
    _act(operator, "close")

    resident = open_as("resident")
    resident.goto(url)
    _act(resident, "rate", rating=5)
    shot(resident, "case-rated")
    case.refresh_from_db()
    assert case.state == Case.State.RATED and case.rating == 5
    assert [t.action for t in case.transitions.order_by("seq")] == [
        "report", "accept", "dispatch", "start", "report_done", "check_ok", "close", "rate"]
    assert "已更换灯泡" in resident.locator(".timeline").inner_text()


@pytest.mark.django_db(transaction=True)
def test_a_grid_worker_cannot_open_another_grids_case(world, open_as, live_server):
    theirs = open_case(channel="web", title="汶河街占道经营", category_code="C0101", lon=119.425, lat=32.415)
    worker = open_as("worker_a", width=360, height=740)
    response = worker.goto(live_server.url + reverse("console:case", args=[theirs.ticket]))
    assert response.status == 404
    assert theirs.title not in worker.content()


@pytest.mark.django_db(transaction=True)
def test_command_centre_map_drills_down_and_the_feed_updates_itself(world, open_as, live_server):
    operator = open_as("operator")
    operator.wait_for_selector("#feed ul.feed")
    shot(operator, "command-centre")
    operator.locator("svg.map a").first.click()  # a street: the map below is swapped in place
    operator.wait_for_url("**area=321002001*")
    operator.wait_for_selector("#district-map table >> text=东关社区")
    # Scrolling zooms level by level: down goes back up to the district, up over a street opens it.
    operator.locator("#district-map svg.map").hover()
    operator.mouse.wheel(0, 300)
    operator.wait_for_url("**area=321002&*")
    operator.wait_for_selector("#district-map table >> text=汶河街道")
    operator.wait_for_timeout(800)  # one level per gesture
    box = operator.locator("svg.map a path").nth(1).bounding_box()
    operator.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    operator.mouse.wheel(0, -300)
    operator.wait_for_url("**area=321002002*")
    fresh = open_case(channel="hotline", title="新来电：积水", category_code="C0101", lon=119.405, lat=32.415)
    operator.wait_for_selector(f"#feed >> text={fresh.ticket}", timeout=8000)  # polled every 5 s


@pytest.mark.django_db(transaction=True)
def test_operator_accepts_a_report_as_suggested_from_the_queue(world, open_as, live_server):
    from finegrid.cases.models import AcceptanceCondition, Category, CategoryRule
    from finegrid.insight.models import CaseLabels

    root = Category.objects.create(code="H", name="热线", domain="hotline", level=0)
    category = Category.objects.create(code="H01", name="城乡建设", domain="hotline", level=1, parent=root)
    rule = CategoryRule.objects.create(category=category, version=1, verify_required=False, check_required=False)
    AcceptanceCondition.objects.create(rule=rule, seq=1, text="诉求", limit_value=7, limit_kind="work_days")
    case = open_case(channel="hotline", title="楼道漏水没人管", category_code="C0101", lon=119.405, lat=32.415)
    CaseLabels.objects.create(case=case, topic="城乡建设", topic_confidence=0.9, request_type="投诉", urgency="一般")
    operator = open_as("operator")
    operator.goto(live_server.url + reverse("console:queue_named", args=["accept"]))
    operator.wait_for_selector("text=置信度 90%")
    shot(operator, "queue-suggestion")
    operator.click("text=按建议立案")
    operator.wait_for_selector(".msg-success")
    case.refresh_from_db()
    assert case.state == Case.State.ACCEPTED and case.category_id == category.pk


@pytest.mark.django_db(transaction=True)
def test_an_expired_password_is_changed_before_the_desk_opens(world, open_as, live_server, settings):
    from datetime import timedelta

    from django.utils import timezone

    from finegrid.console.models import PasswordChange

    settings.FINEGRID_PASSWORD_MAX_AGE_DAYS = 90
    PasswordChange.objects.update_or_create(user=world["operator"], defaults={"at": timezone.now() - timedelta(days=91)})
    operator = open_as("operator")
    assert operator.url == live_server.url + reverse("console:password")
    shot(operator, "password-expired")
    operator.fill("#id_old_password", "Test-password-1")
    operator.fill("#id_new_password1", "Guangling@2027x")
    operator.fill("#id_new_password2", "Guangling@2027x")
    operator.click("main button")
    operator.wait_for_url("**/console/command/")
