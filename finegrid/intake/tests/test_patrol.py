from django.core.files.uploadedfile import SimpleUploadedFile

from finegrid.cases.models import Case
from finegrid.intake.intake import Submission, intake

from .conftest import GRID_A, GRID_B
from finegrid.cases.tests.factories import image_bytes

PNG = image_bytes()  # a real picture: evidence is decoded


def _as(client, user):
    client.force_login(user)
    return client


def _post(client, **change):
    form = {"category": "C0101", "description": "井盖破损", "lon": GRID_A[0], "lat": GRID_A[1], "key": "uuid-1"}
    return client.post("/patrol/reports/", {**form, **change})


def test_the_patrol_page_is_only_for_grid_workers(client, catalogue):
    assert client.get("/patrol/")["Location"].startswith("/accounts/login/")
    assert _as(client, catalogue["resident"]).get("/patrol/").status_code == 403
    assert _as(client, catalogue["leader"]).get("/patrol/").status_code == 403


def test_the_page_shows_my_grid_categories_and_the_outbox_script(client, catalogue):
    page = _as(client, catalogue["worker_a"]).get("/patrol/").content.decode()
    assert "321002001001001" in page and "321002002001001" not in page
    assert 'value="C0101"' in page and 'value="E0101"' in page and 'value="H0101"' not in page
    assert "intake/patrol.js" in page and 'id="patrol-words"' in page


def test_a_patrol_report_is_taken_in_once_per_key(client, catalogue):
    client = _as(client, catalogue["worker_a"])
    photo = SimpleUploadedFile("p.png", PNG, content_type="image/png")
    first = _post(client, photos=[photo])
    again = _post(client)
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["ticket"] == again.json()["ticket"] and first.json()["in_my_grid"] is True
    case = Case.objects.get()  # the required question may wait: the worker reports from the street
    assert case.channel == "patrol" and case.reporter == catalogue["worker_a"] and case.evidence.count() == 1


def test_a_report_without_a_key_or_outside_is_refused_as_json(client, catalogue):
    client = _as(client, catalogue["worker_a"])
    assert "key" in _post(client, key="").json()["problems"]
    refused = _post(client, lon=119.3, lat=32.3)
    assert refused.status_code == 400 and "outside" in refused.json()["problems"]["location"]
    assert not Case.objects.exists()


def test_two_workers_with_the_same_key_make_two_cases(client, catalogue):
    _post(_as(client, catalogue["worker_a"]))
    _post(_as(client, catalogue["worker_b"]))
    assert Case.objects.count() == 2


def test_my_tasks_are_verifications_and_checks_in_my_grid(client, catalogue):
    mine = intake(Submission(channel="web", description="垃圾", category_code="E0101", lon=GRID_A[0], lat=GRID_A[1])).case
    theirs = intake(Submission(channel="web", description="垃圾", category_code="E0101", lon=GRID_B[0], lat=GRID_B[1])).case
    client = _as(client, catalogue["worker_a"])
    page = client.get("/patrol/").content.decode()
    assert mine.ticket in page and theirs.ticket not in page
    assert client.post(f"/patrol/tasks/{mine.ticket}/", {"action": "verify"}).status_code == 302
    mine.refresh_from_db()
    assert mine.state == "verified"
    assert client.post(f"/patrol/tasks/{theirs.ticket}/", {"action": "verify"}).status_code == 403
    assert client.post(f"/patrol/tasks/{mine.ticket}/", {"action": "void"}).status_code == 403
