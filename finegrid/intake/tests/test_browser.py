"""The resident and patrol pages in a real browser (Debian's Chromium, Playwright): the patrol's
quick picks are readable (WCAG contrast of their computed colours) and the worker's own first;
a visitor goes from the public home to a report picked by suggestion, answers its question, is
refused and finds the photo still there."""

import pytest

from finegrid.cases.models import Case
from finegrid.cases.tests.factories import image_bytes
from finegrid.conftest import needs_chromium

from .conftest import GRID_A

pytestmark = [needs_chromium,
              pytest.mark.django_db(transaction=True)]

# The WCAG 2 contrast ratio of two computed CSS colours (rgb()/rgba() strings), in the page.
CONTRAST = """(el) => {
  const s = getComputedStyle(el);
  const rgb = (c) => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = (c) => { const [r, g, b] = rgb(c).map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
                       return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const [a, b] = [lum(s.color), lum(s.backgroundColor)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}"""


@pytest.fixture
def page_of(browser):
    contexts = []

    def open_page(width=390, height=844):
        context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def _sign_in(page, live_server, username):
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "Test-password-1")
    page.click("button[type=submit]")
    page.wait_for_load_state()


def _patrol_page(live_server, page_of):
    page = page_of()
    _sign_in(page, live_server, "worker_a")
    page.goto(live_server.url + "/patrol/")
    return page, page.locator(".quick button")


def test_the_patrol_quick_picks_are_readable(catalogue, live_server, page_of):
    page, buttons = _patrol_page(live_server, page_of)
    assert buttons.count() >= 2
    for i in range(buttons.count()):
        assert buttons.nth(i).evaluate(CONTRAST) >= 4.5, buttons.nth(i).inner_text()
    buttons.first.click()  # chosen: white on dark, still readable
    assert buttons.first.evaluate(CONTRAST) >= 4.5
    assert page.locator("#category").input_value() == buttons.first.get_attribute("data-code")


def test_the_patrol_quick_picks_start_with_the_workers_own(catalogue, live_server, page_of):
    from finegrid.intake.intake import Submission, intake

    for n in range(2):
        intake(Submission(channel="patrol", description="暴露垃圾", category_code="E0101", lon=GRID_A[0], lat=GRID_A[1],
                          reporter=catalogue["worker_a"], actor=catalogue["worker_a"], public_only=False, key=f"k{n}"))
    page, buttons = _patrol_page(live_server, page_of)
    assert buttons.first.get_attribute("data-code") == "E0101"  # the catalogue's first is C0101


def test_a_visitor_reports_by_suggestion_and_keeps_the_photo_when_refused(catalogue, live_server, page_of, tmp_path):
    photo = tmp_path / "hole.png"
    photo.write_bytes(image_bytes())
    page = page_of()
    page.goto(live_server.url + "/")
    page.click("#go-report")
    page.locator("#category").wait_for(state="hidden")  # no 300-option list: the picker hides it once loaded
    page.fill("#description", "小区门口的上水井盖不见了，很危险")
    page.locator("#suggested button[data-code=C0101]").wait_for()
    assert page.locator("#category").input_value() == "C0101"  # the best suggestion, shown and changeable
    page.fill("#category-search", "暴垃")  # its characters in order, as residents shorten a name
    page.locator("#category-results button[data-code=E0101]").wait_for()
    page.fill("#category-search", "暴露")
    page.locator("#category-results button[data-code=E0101]").click()
    assert page.locator("#category").input_value() == "E0101"
    page.locator("#suggested button[data-code=C0101]").click()
    question = page.locator("fieldset.questions[data-category=C0101]")
    question.wait_for(state="visible")
    question.locator("[name='attribute[depth]']").fill("20")
    page.set_input_files("#photos", str(photo))
    page.fill("#phone", "13800005678")
    page.click("button.primary")  # no place given: refused
    page.wait_for_load_state()
    assert page.locator(".problem").count() >= 1 and page.locator("#held img").count() == 1
    assert page.locator("#held img").evaluate("img => img.naturalWidth") > 0
    assert page.locator("fieldset.questions[data-category=C0101] [name='attribute[depth]']").input_value() == "20"
    page.fill("#address", "个园")
    page.click("button.primary")
    page.wait_for_load_state()
    assert "/received/" in page.url
    case = Case.objects.get()
    assert case.category.code == "C0101" and case.evidence.count() == 1
    assert case.receipt.answers == {"depth": "20"}


def test_the_track_page_shows_the_units_reply_and_after_photo(catalogue, live_server, page_of):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from finegrid.cases.workflow import perform
    from finegrid.conftest import make_user
    from finegrid.grid.models import Region
    from finegrid.intake.intake import Submission, intake
    from finegrid.org.models import Role, Unit

    case = intake(Submission(channel="web", description="井盖破了", category_code="C0101", lon=GRID_A[0], lat=GRID_A[1],
                             reporter_phone="13800005678", answers={"depth": "5"})).case
    unit = Unit.objects.create(code="u1", name="区城管局", kind="department", region=Region.objects.get(code="321002"))
    operator, handler = make_user("op", Role.OPERATOR), make_user("handler_u1", Role.HANDLER, unit=unit)
    case.refresh_from_db()
    if case.state == "accepted":
        perform(case, "dispatch", operator, unit=unit)
    after = SimpleUploadedFile("after.png", image_bytes(), content_type="image/png")
    perform(case, "report_done", handler, reason="已更换井盖", evidence=[after])
    page = page_of()
    page.goto(live_server.url + "/track/")
    page.fill("#ticket", case.ticket)
    page.fill("#phone", "13800005678")
    page.click("button.primary")
    page.wait_for_load_state()
    reply = page.locator("#reply")
    assert "已更换井盖" in reply.inner_text() and "区城管局" in reply.inner_text()
    assert reply.locator("img").evaluate("img => img.complete && img.naturalWidth > 0")
