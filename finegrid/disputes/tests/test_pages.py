"""The mediation desk, the register, a dispute's page and its steps, the registration form and the
API, as their users meet them."""

import io
import json

from django.test import Client
from openpyxl import load_workbook

from finegrid.disputes.engine import DISPUTES
from finegrid.disputes.models import Dispute

from .conftest import T0


def _client(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_the_desk_lists_what_waits_for_the_user(world, dispute, committee):
    DISPUTES.perform(dispute, "assign", world["street_a"], unit=committee, data={"mediator": "worker_a"}, now=T0)
    page = _client(world["worker_a"]).get("/disputes/")
    assert page.status_code == 200 and "楼上漏水纠纷" in page.content.decode()
    assert _client(world["worker_b"]).get("/disputes/").content.decode().count("楼上漏水纠纷") == 0
    assert _client(world["admin"]).get("/disputes/").status_code == 404


def test_the_register_filters_and_exports_what_it_shows(world, dispute):
    client = _client(world["leader"])
    assert "楼上漏水纠纷" in client.get("/disputes/register/?field=neighbours&risk=yellow&state=open").content.decode()
    assert "楼上漏水纠纷" not in client.get("/disputes/register/?field=labour").content.decode()
    export = client.get("/disputes/register/?field=neighbours&export=xlsx")
    rows = list(load_workbook(io.BytesIO(export.content)).active.values)
    assert len(rows) == 2 and rows[1][0] == dispute.number and rows[1][1] == "楼上漏水纠纷"


def test_the_dispute_page_masks_phones_for_a_grid_worker_who_is_not_the_mediator(world, dispute):
    worker = _client(world["worker_a"]).get(f"/disputes/{dispute.pk}/").content.decode()
    assert "138****1111" in worker and "13800001111" not in worker
    street = _client(world["street_a"]).get(f"/disputes/{dispute.pk}/").content.decode()
    assert "13800001111" in street
    assert _client(world["worker_b"]).get(f"/disputes/{dispute.pk}/").status_code == 404


def test_a_step_on_the_page_goes_through_the_machine_and_a_stale_one_is_refused(world, dispute, committee):
    client = _client(world["street_a"])
    client.post(f"/disputes/{dispute.pk}/act/assign/", {"version": 1, "unit": committee.code, "mediator": "worker_a"})
    assert Dispute.objects.get(pk=dispute.pk).state == "mediating"
    mediator = _client(world["worker_a"])
    page = mediator.post(f"/disputes/{dispute.pk}/act/session/", {"version": 2, "summary": "首次调解"}, follow=True)
    assert "done" in page.content.decode()
    stale = client.post(f"/disputes/{dispute.pk}/act/session/", {"version": 2, "summary": "同时调解"}, follow=True)
    assert "somebody else" in stale.content.decode()
    assert Dispute.objects.get(pk=dispute.pk).session_count == 1


def test_the_form_refuses_a_risk_level_without_its_reason(world):
    given = {"title": "欠薪", "field": "labour", "risk": "red", "risk_reason": "", "grid_code": "321002001001001",
             "applicant": "王五", "respondent": "某公司"}
    page = _client(world["worker_a"]).post("/disputes/new/", given)
    assert page.status_code == 422 and "needs its reason" in page.content.decode()
    done = _client(world["worker_a"]).post("/disputes/new/", {**given, "risk_reason": "二十人欠薪"})
    assert done.status_code == 302 and Dispute.objects.get().risk_reason == "二十人欠薪"


API_DISPUTE = {"title": "交房延期", "field": "delivery", "risk": "orange", "risk_reason": "业主群情绪激动",
               "grid_code": "321002001001001", "project_ref": "XM-2026-001",
               "parties": [{"name": "业主代表", "side": "applicant"}, {"name": "某置业公司", "side": "respondent"}]}


def test_the_api_registers_lists_and_shows_under_the_same_scopes(world):
    client = _client(world["worker_a"])
    made = client.post("/api/v1/disputes", API_DISPUTE, content_type="application/json")
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    assert [d["id"] for d in _client(world["leader"]).get("/api/v1/disputes?field=delivery").json()["results"]] == [pk]
    assert _client(world["worker_b"]).get(f"/api/v1/disputes/{pk}").status_code == 404
    assert _client(world["leader"]).get(f"/api/v1/disputes/{pk}").json()["project_ref"] == "XM-2026-001"
    assert _client(world["auditor"]).post("/api/v1/disputes", API_DISPUTE, content_type="application/json").status_code == 403


def test_the_api_refuses_bad_input_with_a_422_naming_the_field(world):
    client = _client(world["worker_a"])
    for change, field in [({"risk_reason": " "}, "risk_reason"), ({"risk": "purple"}, "risk"),
                          ({"grid_code": "321002002001001"}, "area"), ({"colour": "red"}, "colour")]:
        answer = client.post("/api/v1/disputes", json.dumps({**API_DISPUTE, **change}), content_type="application/json")
        assert answer.status_code == 422, (change, answer.content)
        assert field in json.dumps(answer.json()["detail"]), answer.json()
    assert "disputes" in json.dumps(client.get("/api/v1/openapi.json").json()["paths"])


def test_a_projects_disputes_are_shown_together(world):
    from finegrid.disputes.register import register as enter

    from .conftest import new_dispute

    for title, project in [("交房延期", "BJL-01"), ("墙体开裂", "BJL-01"), ("车位纠纷", "BJL-02")]:
        enter(new_dispute(title=title, field="delivery", project_ref=project), world["worker_a"], T0)
    page = _client(world["leader"]).get("/disputes/register/?project=BJL-01").content.decode()
    assert "交房延期" in page and "墙体开裂" in page and "车位纠纷" not in page
    listed = _client(world["leader"]).get("/api/v1/disputes?project=BJL-01").json()
    assert listed["count"] == 2


def test_the_desk_and_the_register_read_a_fixed_number_of_queries(world, committee, django_assert_max_num_queries):
    from finegrid.disputes.register import register as enter

    from .conftest import new_dispute

    for n in range(12):
        made = enter(new_dispute(title=f"纠纷{n}"), world["worker_a"], T0)
        DISPUTES.perform(made, "assign", world["street_a"], unit=committee, data={"mediator": "worker_a"}, now=T0)
    client = _client(world["street_sup"])
    with django_assert_max_num_queries(12):
        assert client.get("/disputes/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/disputes/register/").status_code == 200
