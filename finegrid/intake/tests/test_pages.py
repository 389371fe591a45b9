
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from finegrid.cases.models import Case
from finegrid.cases.workflow import perform

from .conftest import GRID_A, OUTSIDE
from finegrid.cases.tests.factories import image_bytes

PNG = image_bytes()  # a real picture: evidence is decoded


def _form(**change):
    form = {"category": "E0101", "description": "<script>alert(1)</script>楼道堆满垃圾", "lon": GRID_A[0],
            "lat": GRID_A[1], "name": "王芳", "phone": "13800005678", "key": "k-1"}
    return {**form, **change}


def _report(client, **change):
    return client.post("/report/", _form(**change))


def test_the_report_page_shows_the_public_categories_and_the_map(client, catalogue):
    page = client.get("/report/").content.decode()
    assert 'value="C0101"' in page and 'value="E0101"' in page and 'id="pin-map"' in page
    assert "intake/pin.js" in page


def test_a_report_gives_a_ticket_to_read_out_and_a_masked_phone(client, catalogue):
    response = _report(client)
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/report/{case.ticket}/received/"
    page = client.get(response["Location"]).content.decode()
    assert f"{case.ticket[:6]} {case.ticket[6:9]} {case.ticket[9:]}" in page
    assert "138****5678" in page and "13800005678" not in page
    assert "&lt;script&gt;" in page and "<script>alert" not in page
    assert case.channel == "web" and case.reporter_name == "王芳"


def test_a_double_submit_opens_one_case(client, catalogue):
    _report(client)
    _report(client)
    assert Case.objects.count() == 1


def test_an_anonymous_report_keeps_no_name(client, catalogue):
    _report(client, anonymous="on")
    case = Case.objects.get()
    assert case.anonymous and case.reporter_name == ""


@pytest.mark.parametrize("change, words", [
    ({"lon": OUTSIDE[0], "lat": OUTSIDE[1]}, "outside 广陵区"),
    ({"description": ""}, "say what the problem is"),
    ({"category": "NOPE"}, "no category"),
    ({"lon": "", "lat": "", "address": ""}, "mark the place"),
    ({"lon": "", "lat": "", "address": "北京市朝阳区三里屯"}, "is not in 广陵区"),  # shown beside the address field
    ({"phone": "<b>x</b>"}, "phone number"),
])
def test_a_bad_report_is_shown_again_with_the_problem(client, catalogue, change, words):
    response = _report(client, **change)
    assert response.status_code == 400 and words in response.content.decode()
    assert not Case.objects.exists()


def test_photos_are_checked_by_content_not_by_name(client, catalogue):
    forged = SimpleUploadedFile("cat.jpg", b"#!/bin/sh\nrm -rf /", content_type="image/jpeg")
    response = client.post("/report/", {**_form(), "photos": [forged]})
    assert response.status_code == 400 and not Case.objects.exists()
    photo = SimpleUploadedFile("p.png", PNG, content_type="application/octet-stream")
    assert client.post("/report/", {**_form(key="k-2"), "photos": [photo]}).status_code == 302
    assert Case.objects.get().evidence.get().content_type == "image/png"


def test_a_huge_upload_is_refused(client, catalogue):
    big = SimpleUploadedFile("big.png", PNG + b"\0" * (10 * 1024 * 1024), content_type="image/png")
    response = client.post("/report/", {**_form(), "photos": [big]})
    assert response.status_code == 400 and "10 MB" in response.content.decode()


def test_a_ten_megabyte_description_is_a_400(client, catalogue):
    response = client.post("/report/", _form(description="井" * (4 * 1024 * 1024)))
    assert response.status_code == 400 and not Case.objects.exists()


def test_the_receipt_is_only_for_the_session_that_reported(client, catalogue, django_user_model):
    _report(client)
    ticket = Case.objects.get().ticket
    from django.test import Client

    stranger = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert stranger.get(f"/report/{ticket}/received/")["Location"] == "/track/"
    assert stranger.get(f"/track/{ticket}/")["Location"] == "/track/"


def test_lookup_by_ticket_and_phone_shows_the_timeline_in_plain_words(client, catalogue):
    _report(client)
    case = Case.objects.get()
    from django.test import Client

    other = Client(HTTP_ACCEPT_LANGUAGE="en")
    wrong = other.post("/track/", {"ticket": case.ticket, "phone": "13900000000"})
    assert wrong.status_code == 400 and "No report has this ticket" in wrong.content.decode()
    spaced = f"{case.ticket[:6]} {case.ticket[6:]}"
    found = other.post("/track/", {"ticket": spaced, "phone": "138-0000-5678"})
    assert found["Location"] == f"/track/{case.ticket}/"
    page = other.get(found["Location"]).content.decode()
    assert "Your report was received." in page and "138****5678" in page and "13800005678" not in page


def test_lookups_are_limited_per_address(client, catalogue):
    for _ in range(10):
        client.post("/track/", {"ticket": "1", "phone": "13800000000"})
    assert "Too many tries" in client.post("/track/", {"ticket": "1", "phone": "13800000000"}).content.decode()


def test_a_closed_case_can_be_rated_once(client, catalogue, django_user_model):
    _report(client, category="C0101", **{"attribute[depth]": "1"})
    case = Case.objects.get()
    from finegrid.conftest import make_user
    from finegrid.org.models import Role

    root = make_user("op", Role.OPERATOR)  # the command centre (a superuser takes no business action)
    case.refresh_from_db()
    assert case.state in ("accepted", "dispatched")
    page = client.get(f"/track/{case.ticket}/").content.decode()
    assert 'name="rating"' not in page  # not closed yet
    _close(case, root)
    assert 'name="rating"' in client.get(f"/track/{case.ticket}/").content.decode()
    assert client.post(f"/track/{case.ticket}/", {"rating": "7"}).status_code == 400
    assert client.post(f"/track/{case.ticket}/", {"rating": "4", "comment": "修好了"}).status_code == 302
    case.refresh_from_db()
    assert case.state == "rated" and case.rating == 4
    assert client.post(f"/track/{case.ticket}/", {"rating": "5"}).status_code == 400  # rated once only
    case.refresh_from_db()
    assert case.rating == 4


def _close(case, root):
    from finegrid.org.models import Unit
    from finegrid.grid.models import Region

    unit = Unit.objects.create(code="u1", name="区城管局", kind="department", region=Region.objects.get(code="321002"))
    if case.state == "accepted":
        perform(case, "dispatch", root, unit=unit)
    from finegrid.conftest import make_user
    from finegrid.org.models import Role

    handler = make_user("handler_u1", Role.HANDLER, unit=unit)  # a superuser is no handler (三员分立)
    perform(case, "report_done", handler, reason="")
    perform(case, "close", root)
