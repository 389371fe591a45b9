import json
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from finegrid.cases.models import Case
from finegrid.cases.workflow import perform
from finegrid.intake.inbox import drain
from finegrid.intake.intake import Submission, intake
from finegrid.intake.keys import issue_key
from finegrid.intake.models import Queued, Update

from .conftest import GRID_A, OUTSIDE

V2 = "/open311/v2"


@pytest.fixture
def o311(catalogue):
    record, key = issue_key("测试应用")
    return {**catalogue, "key": key, "record": record}


def _post(client, fmt="json", **params):
    return client.post(f"{V2}/requests.{fmt}", params)


def _opened(client, response) -> str:
    """The worker drains the inbox; the POST's token then gives the request's id."""
    token = _json(response)[0]["token"]
    drain()
    return _json(client.get(f"{V2}/tokens/{token}.json"))[0]["service_request_id"]


def _report(o311, **params):
    base = {"api_key": o311["key"], "service_code": "C0101", "lat": GRID_A[1], "long": GRID_A[0],
            "description": "井盖没了", "attribute[depth]": "20"}
    return {**base, **params}


def _xml(response):
    body = response.content
    assert body.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    assert b"xmlns" not in body
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    return ET.fromstring(body)


def _json(response):
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content.decode("utf-8"))


# ── services ──────────────────────────────────────────────────────────────────────────────────


def test_services_list_the_public_leaves_in_both_formats(client, o311):
    rows = _json(client.get(f"{V2}/services.json"))
    by_code = {row["service_code"]: row for row in rows}
    assert set(by_code) == {"C0101", "E0101", "H0101"}
    assert by_code["C0101"] == {"service_code": "C0101", "service_name": "上水井盖", "description": "上水井盖",
                                "metadata": True, "type": "batch", "keywords": "", "group": "大类"}
    assert by_code["E0101"]["type"] == "batch" and by_code["E0101"]["metadata"] is False
    root = _xml(client.get(f"{V2}/services.xml"))
    assert root.tag == "services" and [s.findtext("service_code") for s in root] == ["C0101", "E0101", "H0101"]
    assert root[0].findtext("metadata") == "true"


def test_a_service_definition_carries_every_datatype(client, o311):
    definition = _json(client.get(f"{V2}/services/C0101.json"))
    assert definition["service_code"] == "C0101"
    kinds = {a["code"]: a["datatype"] for a in definition["attributes"]}
    assert set(kinds.values()) == {"number", "string", "datetime", "text", "singlevaluelist", "multivaluelist"}
    cover = next(a for a in definition["attributes"] if a["code"] == "cover")
    assert cover["values"] == [{"key": "gone", "name": "缺失"}, {"key": "broken", "name": "破损"}]
    safety = next(a for a in definition["attributes"] if a["code"] == "safety")
    assert safety["variable"] is False
    root = _xml(client.get(f"{V2}/services/C0101.xml"))
    assert root.tag == "service_definition"
    first = root.find("attributes/attribute")
    assert [c.tag for c in first] == ["variable", "code", "datatype", "required", "datatype_description", "order",
                                      "description", "values"]
    assert root.find("attributes/attribute[code='cover']/values/value/key").text == "gone"


def test_unknown_service_and_format_are_404(client, o311):
    response = client.get(f"{V2}/services/NOPE.xml")
    assert response.status_code == 404 and _xml(response).find("error/code").text == "404"
    assert client.get(f"{V2}/services.yaml").status_code == 404
    assert _json(client.get(f"{V2}/services/NOPE.json")) == [{"code": 404, "description": "no service has the code NOPE"}]


# ── POST requests ─────────────────────────────────────────────────────────────────────────────


def test_post_without_a_valid_key_is_403(client, o311):
    for key in ("", "wrong"):
        response = _post(client, **_report(o311, api_key=key))
        assert response.status_code == 403 and _json(response)[0]["code"] == 403
    call_command("open311_key", "revoke", str(o311["record"].pk))
    assert _post(client, **_report(o311)).status_code == 403
    assert not Case.objects.exists()


def test_the_api_key_is_also_accepted_in_the_query_string(client, o311):
    params = _report(o311)
    key = params.pop("api_key")
    response = client.post(f"{V2}/requests.json?api_key={key}", params)
    assert response.status_code == 200


def test_a_post_is_queued_and_the_worker_opens_its_case(client, o311):
    response = _post(client, "xml", **_report(o311, **{"attribute[risks][]": ["cars", "people"]}))
    root = _xml(response)
    assert response.status_code == 200 and root.tag == "service_requests"
    token = root.findtext("request/token")
    assert token and root.find("request/service_request_id") is None and not Case.objects.exists()
    assert drain() == {"open311_opened": 1} and drain() == {"open311_opened": 0}
    case = Case.objects.get()
    assert case.channel == "open311" and case.receipt.answers == {"depth": "20", "risks": ["cars", "people"]}
    assert case.receipt.token == token and case.state == "accepted" and case.due_at  # 立案 with its deadline


def test_a_report_the_engine_cannot_take_is_set_aside_and_the_rest_go_on(client, o311):
    _post(client, **_report(o311, description="井盖缺失"))
    _post(client, **_report(o311, description="路灯不亮"))
    broken = Queued.objects.order_by("id").first()
    broken.payload["lon"] = "east"  # as if written by an older version, or damaged
    broken.save()
    assert drain() == {"open311_opened": 1} and Case.objects.count() == 1
    broken.refresh_from_db()
    assert broken.done_at and broken.case_id is None and broken.error
    assert drain() == {"open311_opened": 0}  # set aside once, not retried for ever


def test_a_post_answers_with_a_token_that_leads_to_the_request(client, o311):
    rows = _json(_post(client, **_report(o311, service_code="E0101")))
    assert set(rows[0]) == {"token", "service_notice"}
    waiting = _json(client.get(f"{V2}/tokens/{rows[0]['token']}.json"))
    assert waiting == [{"service_request_id": "", "token": rows[0]["token"]}]  # queued: no id yet
    drain()
    found = _json(client.get(f"{V2}/tokens/{rows[0]['token']}.json"))
    assert found == [{"service_request_id": Case.objects.get().ticket, "token": rows[0]["token"]}]
    assert Case.objects.get().state == "collected"  # E0101 waits for the grid worker's 核实
    assert _xml(client.get(f"{V2}/tokens/{rows[0]['token']}.xml")).findtext("request/token") == rows[0]["token"]
    assert client.get(f"{V2}/tokens/nope.json").status_code == 404


@pytest.mark.parametrize("change, words", [
    ({"service_code": ""}, "service_code is required"),
    ({"service_code": "Z1"}, "no service has the code Z1"),
    ({"lat": "", "long": ""}, "a location is required"),
    ({"lat": OUTSIDE[1], "long": OUTSIDE[0]}, "outside 广陵区"),
    ({"lat": "north"}, "numbers in degrees"),
    ({"attribute[depth]": ""}, "attribute[depth]: required"),
    ({"attribute[cover]": "melted"}, "attribute[cover]"),
    ({"description": "x" * 6000}, "longer than 5000"),
])
def test_bad_posts_are_400_in_the_errors_format(client, o311, change, words):
    for fmt in ("json", "xml"):
        response = _post(client, fmt, **_report(o311, **change))
        assert response.status_code == 400
        descriptions = ([e["description"] for e in _json(response)] if fmt == "json"
                        else [e.findtext("description") for e in _xml(response)])
        assert any(words in d for d in descriptions), descriptions
    drain()
    assert not Case.objects.exists()


def test_a_ten_megabyte_body_is_a_400_not_a_500(client, o311):
    response = _post(client, **_report(o311, description="井" * (4 * 1024 * 1024)))
    assert response.status_code == 400 and _json(response)[0]["code"] == 400


def test_a_json_body_is_not_a_form_and_is_refused(client, o311):
    response = client.post(f"{V2}/requests.json?api_key={o311['key']}", json.dumps(_report(o311)),
                           content_type="application/json")
    assert response.status_code == 400 and "service_code is required" in _json(response)[0]["description"]


def test_a_replayed_post_gives_the_same_request(client, o311):
    first = _json(_post(client, **_report(o311)))[0]["token"]
    again = _json(_post(client, **_report(o311)))[0]["token"]
    drain()
    after = _json(_post(client, **_report(o311)))[0]["token"]  # replayed after its case was opened
    drain()
    assert first == again == after and Case.objects.count() == 1
    keyed = [_json(client.post(f"{V2}/requests.json", _report(o311, description="text"),
                               HTTP_IDEMPOTENCY_KEY="abc"))[0]["token"] for _ in range(2)]
    drain()
    assert keyed[0] == keyed[1] != first and Case.objects.count() == 2


def test_html_in_a_report_is_escaped_in_xml_and_plain_in_json(client, o311):
    ticket = _opened(client, _post(client, **_report(o311, description="<script>alert(1)</script>")))
    body = client.get(f"{V2}/requests/{ticket}.xml").content
    assert b"&lt;script&gt;" in body and b"<script>" not in body
    assert _json(client.get(f"{V2}/requests/{ticket}.json"))[0]["description"] == "<script>alert(1)</script>"


def test_wrong_method_is_refused_in_the_errors_format(client, o311):
    response = client.delete(f"{V2}/requests.json")
    assert response.status_code == 405 and response["Allow"] == "GET, POST"
    assert client.post(f"{V2}/services.json").status_code == 405


# ── GET requests ──────────────────────────────────────────────────────────────────────────────


def _case(days_ago=0, code="C0101", channel="open311", **kwargs):
    when = timezone.now() - timedelta(days=days_ago)
    sub = Submission(channel=channel, description=kwargs.pop("description", "井盖"), category_code=code,
                     lon=GRID_A[0], lat=GRID_A[1], answers={"depth": "1"} if code == "C0101" else {},
                     reporter_name="王芳", reporter_phone="13800005678", reported_at=when, **kwargs)
    return intake(sub, now=when).case


def test_a_request_shows_its_deadline_and_no_personal_data(client, o311):
    case = _case()
    row = _json(client.get(f"{V2}/requests/{case.ticket}.json"))
    assert len(row) == 1
    row = row[0]
    assert row["expected_datetime"] == timezone.localtime(case.due_at).isoformat(timespec="seconds")
    assert row["requested_datetime"].endswith("+08:00") and row["status"] == "open"
    assert row["lat"] == GRID_A[1] and row["long"] == GRID_A[0]
    assert "王芳" not in json.dumps(row, ensure_ascii=False) and "13800005678" not in json.dumps(row)
    assert set(row) == {"service_request_id", "status", "status_notes", "service_name", "service_code", "description",
                        "agency_responsible", "service_notice", "requested_datetime", "updated_datetime",
                        "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url"}


def test_hotline_cases_are_not_public(client, o311):
    case = _case(channel="hotline")
    assert client.get(f"{V2}/requests/{case.ticket}.json").status_code == 404
    assert _json(client.get(f"{V2}/requests.json")) == []


def test_the_default_window_is_ninety_days(client, o311):
    recent, old = _case(days_ago=10), _case(days_ago=100)
    assert [r["service_request_id"] for r in _json(client.get(f"{V2}/requests.json"))] == [recent.ticket]
    start = (timezone.now() - timedelta(days=120)).isoformat()
    end = (timezone.now() - timedelta(days=50)).isoformat()
    found = _json(client.get(f"{V2}/requests.json", {"start_date": start, "end_date": end}))
    assert [r["service_request_id"] for r in found] == [old.ticket]


def test_filters_by_code_status_and_ids(client, o311):
    a, b = _case(), _case(code="E0101")
    assert [r["service_request_id"] for r in _json(client.get(f"{V2}/requests.json", {"service_code": "E0101"}))] == [b.ticket]
    assert len(_json(client.get(f"{V2}/requests.json", {"service_code": "C0101,E0101"}))) == 2
    assert _json(client.get(f"{V2}/requests.json", {"status": "closed"})) == []
    assert len(_json(client.get(f"{V2}/requests.json", {"status": "open"}))) == 2
    from finegrid.conftest import make_user
    from finegrid.org.models import Role

    perform(b, "void", make_user("op", Role.OPERATOR), reason="不是问题")
    assert [r["service_request_id"] for r in _json(client.get(f"{V2}/requests.json", {"status": "closed"}))] == [b.ticket]
    assert [r["service_request_id"] for r in _json(client.get(f"{V2}/requests.json", {"status": "open,closed"}))] == [b.ticket, a.ticket]
    # service_request_id overrides every other filter, even a window that excludes it
    found = _json(client.get(f"{V2}/requests.json", {"service_request_id": f"{a.ticket},{b.ticket}",
                                                     "service_code": "NONE", "status": "closed"}))
    assert {r["service_request_id"] for r in found} == {a.ticket, b.ticket}


def test_empty_parameters_count_as_absent(client, o311):
    _case()
    found = _json(client.get(f"{V2}/requests.json", {"service_code": "", "status": "", "start_date": "", "page": ""}))
    assert len(found) == 1


@pytest.mark.parametrize("params", [{"start_date": "yesterday"}, {"start_date": "2026-03-10T09:30:00"},
                                    {"status": "pending"}, {"page": "0"}, {"page_size": "1001"},
                                    {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"}])
def test_bad_filters_are_400(client, o311, params):
    response = client.get(f"{V2}/requests.xml", params)
    assert response.status_code == 400 and _xml(response).tag == "errors"


def test_pages(client, o311):
    tickets = [_case(days_ago=i).ticket for i in range(5)]
    page = lambda n: [r["service_request_id"] for r in _json(client.get(f"{V2}/requests.json", {"page": n, "page_size": 2}))]
    assert page(1) + page(2) + page(3) == tickets and page(4) == []


def test_extensions_add_the_public_history_as_notes(client, o311):
    case = _case()
    row = _json(client.get(f"{V2}/requests.json", {"extensions": "true"}))[0]
    assert [n["summary"] for n in row["notes"]][:2] == ["Your report was received.", row["notes"][1]["summary"]]
    assert "accepted" in row["notes"][1]["summary"]
    root = _xml(client.get(f"{V2}/requests/{case.ticket}.xml", {"extensions": "true"}))
    assert root.find("request/notes/note/summary").text == "Your report was received."
    assert "notes" not in _json(client.get(f"{V2}/requests.json"))[0]


def test_unknown_request_is_404(client, o311):
    assert client.get(f"{V2}/requests/0000.json").status_code == 404


# ── discovery and updates ─────────────────────────────────────────────────────────────────────


def test_discovery_names_the_endpoint_and_its_formats(client, o311):
    found = _json(client.get(f"{V2}/discovery.json"))
    endpoint = found["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2/") and endpoint["formats"] == ["text/xml", "application/json"]
    root = _xml(client.get(f"{V2}/discovery.xml"))
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == ["text/xml", "application/json"]


def test_service_request_updates_list_the_public_steps(client, o311):
    case = _case()
    rows = _json(client.get(f"{V2}/servicerequestupdates.json"))
    assert [r["service_request_id"] for r in rows] == [case.ticket] * len(rows) and len(rows) >= 2
    assert rows[0]["status"] == "open" and rows[0]["update_id"].startswith("t")
    root = _xml(client.get(f"{V2}/servicerequestupdates.xml"))
    assert root.tag == "service_request_updates" and root[0].tag == "request_update"


def test_posting_an_update_needs_a_key_and_is_kept_once(client, o311):
    case = _case()
    params = {"service_request_id": case.ticket, "status": "OPEN", "description": "还没修好",
              "updated_datetime": "2026-03-10T09:30:00+08:00", "update_id": "fms-1"}
    assert client.post(f"{V2}/servicerequestupdates.json", params).status_code == 403
    first = _json(client.post(f"{V2}/servicerequestupdates.json", {**params, "api_key": o311["key"]}))
    again = _json(client.post(f"{V2}/servicerequestupdates.json", {**params, "api_key": o311["key"]}))
    assert first == again and Update.objects.count() == 1
    assert any(r["description"] == "还没修好" for r in _json(client.get(f"{V2}/servicerequestupdates.json")))
    missing = client.post(f"{V2}/servicerequestupdates.xml", {**params, "api_key": o311["key"], "service_request_id": "9"})
    assert missing.status_code == 404


# ── keys ──────────────────────────────────────────────────────────────────────────────────────


def test_the_key_command_prints_the_key_last_and_lists_and_revokes(db, capsys):
    call_command("open311_key", "create", "FixMyStreet")
    key = capsys.readouterr().out.strip().splitlines()[-1]
    assert key.startswith("o311_") and len(key) > 40
    call_command("open311_key", "list")
    listing = capsys.readouterr().out
    assert "FixMyStreet" in listing and "active" in listing and key not in listing
    from finegrid.intake.keys import valid_key

    record = valid_key(key)
    call_command("open311_key", "revoke", str(record.pk))
    assert valid_key(key) is None


def test_chinese_is_the_default_language_of_errors_and_timelines(o311):
    from django.test import Client

    response = Client().post(f"{V2}/requests.json", _report(o311, lat=OUTSIDE[1], long=OUTSIDE[0]))
    assert "在广陵区范围之外" in _json(response)[0]["description"]
    ticket = _opened(Client(), Client().post(f"{V2}/requests.json", _report(o311)))
    row = _json(Client().get(f"{V2}/requests/{ticket}.json", {"extensions": "true"}))[0]
    assert row["notes"][0]["summary"] == "您反映的问题已受理。"


def test_a_nul_character_anywhere_is_not_a_server_error(client, o311):
    assert client.get(f"{V2}/requests/12\x0034.json").status_code == 404
    assert client.get(f"{V2}/requests.json", {"service_code": "C01\x0001"}).status_code == 200
    response = _post(client, **_report(o311, description="井盖\x00没了", service_code="C01\x0001"))
    assert response.status_code == 200
    drain()
    assert Case.objects.get().description == "井盖没了"


def test_a_number_in_other_digits_is_refused_not_a_server_error(client):
    # "²" and "٣" are digits to str.isdigit() but not to int(): the fuzzer found this one.
    for size in ["²", "٣", "1²"]:
        assert client.get("/open311/v2/requests.json", {"page_size": size}).status_code == 400


def test_queued_reports_wait_in_the_database_until_the_worker_step_opens_them_once(client, o311):
    from finegrid.intake.models import Queued

    tokens = [_json(_post(client, **_report(o311, description=f"第{i}个井盖")))[0]["token"] for i in range(3)]
    assert Queued.objects.filter(done_at__isnull=True).count() == 3 and not Case.objects.exists()
    call_command("worker", "--once", "--only", "inbox")
    assert Case.objects.count() == 3 and not Queued.objects.filter(done_at__isnull=True).exists()
    for token in tokens:
        ticket = _json(client.get(f"{V2}/tokens/{token}.json"))[0]["service_request_id"]
        assert _json(client.get(f"{V2}/requests/{ticket}.json"))[0]["status"] == "open"
    call_command("worker", "--once", "--only", "inbox")
    assert Case.objects.count() == 3  # a second step opens nothing twice


def test_a_key_revoked_elsewhere_is_refused_once_the_remembered_answer_expires(client, o311, monkeypatch):
    from finegrid.intake import keys
    from finegrid.core.models import ApiToken

    assert _post(client, **_report(o311)).status_code == 200
    ApiToken.objects.update(revoked_at=timezone.now())  # another process revoked it
    monkeypatch.setattr(keys, "REMEMBER", 0.0)
    assert _post(client, **_report(o311, description="再报一次")).status_code == 403
