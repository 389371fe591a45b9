import hashlib
import io
import json
import re
from datetime import datetime, timedelta, timezone as tz

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client

from finegrid.cases.models import Case
from finegrid.cases.reporting import open_case
from finegrid.cases.workflow import perform
from finegrid.core.models import ApiToken

# A Tuesday morning in Shanghai (02:00 UTC = 10:00 local), a plain working day.
TUESDAY = datetime(2026, 3, 10, 2, 0, tzinfo=tz.utc)
GRID_A = (119.4075, 32.4150)  # 321002001001001, street 001
GRID_B = (119.4275, 32.4150)  # 321002002001001, street 002
CASES = "/api/v1/cases"


def _open(point=GRID_A, when=TUESDAY, **kwargs):
    defaults = dict(channel="patrol", title="井盖缺失", category_code="C0101", now=when)
    return open_case(lon=point[0], lat=point[1], **{**defaults, **kwargs})


@pytest.fixture
def world(world):
    """Three cases: `a` in grid A, reported by the resident and dispatched to 城管局; `b` in grid B,
    anonymous; `c` in grid A, just reported."""
    a = _open(title="东关街井盖缺失", reporter=world["resident"], reporter_name="王芳", reporter_phone="13800005678",
              when=TUESDAY - timedelta(hours=2))
    perform(a, "accept", world["operator"], now=TUESDAY)
    perform(a, "dispatch", world["dispatcher"], unit=world["cgj"], now=TUESDAY)
    b = _open(GRID_B, title="汶河路路灯不亮", channel="hotline", reporter_name="李四", reporter_phone="13900001234",
              anonymous=True, when=TUESDAY - timedelta(hours=1))
    c = _open(title="垃圾满溢", when=TUESDAY)
    return {**world, "a": a, "b": b, "c": c}


def _as(client, user):
    client.force_login(user)
    return client


def _tickets(response) -> set:
    assert response.status_code == 200, response.content
    return {row["ticket"] for row in response.json()["results"]}


# ── Who sees what ─────────────────────────────────────────────────────────────────────────────


def test_a_caller_without_credentials_gets_401_everywhere(client, world):
    ticket = world["a"].ticket
    for response in [client.get(CASES), client.get(f"{CASES}/{ticket}"),
                     client.post(f"{CASES}/{ticket}/transitions", {"action": "start"}, content_type="application/json"),
                     client.post(CASES, {"title": "x"}, content_type="application/json")]:
        assert response.status_code == 401 and response.json() == {"detail": "Unauthorized"}


SCOPES = {
    "operator": "abc", "leader": "abc", "callback": "abc",  # 回访 reads the district's cases
    "superuser": "", "admin": "",  # 三员: a system administrator sees no case
    "worker_a": "ac", "worker_b": "b",
    "handler_cgj": "a", "handler_zjj": "",
    "street_a": "",  # a handler's region gives no sight of cases: the unit's work does
    "resident": "a",  # the case they reported, nothing else
}


def test_each_user_lists_only_the_cases_in_their_scope(client, world):
    seen = {user: _tickets(_as(client, world[user]).get(CASES)) for user in SCOPES}
    assert seen == {user: {world[key].ticket for key in keys} for user, keys in SCOPES.items()}


def test_a_unit_handler_loses_sight_of_a_case_reassigned_elsewhere(client, world):
    perform(world["a"], "reassign", world["dispatcher"], unit=world["zjj"], reason="错派", now=TUESDAY)
    assert _tickets(_as(client, world["handler_cgj"]).get(CASES)) == set()
    assert _tickets(_as(client, world["handler_zjj"]).get(CASES)) == {world["a"].ticket}


def test_a_case_outside_the_scope_is_404_like_a_missing_ticket(client, world):
    _as(client, world["worker_b"])
    hidden = client.get(f"{CASES}/{world['a'].ticket}")
    missing = client.get(f"{CASES}/0000000000000")
    assert hidden.status_code == missing.status_code == 404 and hidden.json() == missing.json()
    post = client.post(f"{CASES}/{world['a'].ticket}/transitions", {"action": "verify"}, content_type="application/json")
    assert post.status_code == 404


def test_the_detail_shows_the_history_and_the_callers_actions(client, world):
    body = _as(client, world["handler_cgj"]).get(f"{CASES}/{world['a'].ticket}").json()
    assert [(t["seq"], t["action"], t["from_state"], t["to_state"], t["actor"]) for t in body["history"]] == [
        (1, "report", "", "collected", "patrol"),
        (2, "accept", "collected", "accepted", "operator"),
        (3, "dispatch", "accepted", "dispatched", "dispatcher"),
    ]
    assert body["history"][2]["data"]["unit"] == "cgj" and body["history"][2]["role"] == "dispatcher"
    assert body["history"][2]["at"] == "2026-03-10T02:00:00Z"
    assert [a["name"] for a in body["allowed_actions"]] == ["start", "report_done", "send_back", "extend_request"]
    assert body["state"] == "dispatched" and body["unit"] == {"code": "cgj", "name": "区城市管理局"}
    assert body["version"] == 3 and body["due_at"].endswith("Z")


def test_the_resident_who_reported_may_read_but_not_act(client, world):
    body = _as(client, world["resident"]).get(f"{CASES}/{world['a'].ticket}").json()
    assert body["title"] == "东关街井盖缺失" and body["allowed_actions"] == []


# ── Personal data ─────────────────────────────────────────────────────────────────────────────


def test_the_reporters_phone_is_masked_except_for_the_desks_that_call_back(client, world):
    full, masked = "13800005678", "138****5678"
    expected = {"operator": full, "dispatcher": full, "callback": full,
                "worker_a": masked, "handler_cgj": masked, "resident": masked, "leader": masked}
    shown = {}
    for user in expected:
        _as(client, world[user])
        listed = {row["ticket"]: row["reporter_phone"] for row in client.get(CASES).json()["results"]}
        detail = client.get(f"{CASES}/{world['a'].ticket}").json()["reporter_phone"]
        shown[user] = listed[world["a"].ticket] if listed[world["a"].ticket] == detail else (listed, detail)
    assert shown == expected


def test_an_anonymous_case_hides_the_reporters_name_even_from_the_office(client, world):
    _as(client, world["operator"])
    assert client.get(f"{CASES}/{world['b'].ticket}").json()["reporter_name"] == ""
    assert client.get(f"{CASES}/{world['a'].ticket}").json()["reporter_name"] == "王芳"


# ── Filters, ordering and paging ──────────────────────────────────────────────────────────────


FILTERS = {
    "state=dispatched": "a", "state=dispatched&state=collected": "abc", "state=closed": "",
    "category=C01": "abc", "category=E": "", "unit=cgj": "a", "unit=zjj": "",
    "area=321002002": "b", "area=321002001001001": "ac", "area=3210020010010019": "", "channel=hotline": "b",
    "q=路灯": "b", "q=井盖": "a", "alarm=red": "",
}


def test_filters_narrow_the_list(client, world):
    _as(client, world["operator"])
    found = {query: _tickets(client.get(f"{CASES}?{query}")) for query in FILTERS}
    assert found == {query: {world[key].ticket for key in keys} for query, keys in FILTERS.items()}


def test_q_finds_a_case_by_its_ticket(client, world):
    _as(client, world["operator"])
    assert _tickets(client.get(f"{CASES}?q={world['b'].ticket}")) == {world["b"].ticket}


def test_report_dates_are_days_in_shanghai(client, world):
    # 2026-03-09 16:30 UTC is 00:30 on the 10th in Shanghai; 15:30 UTC is still the 9th.
    late = _open(title="夜间噪音", when=datetime(2026, 3, 9, 16, 30, tzinfo=tz.utc))
    earlier = _open(title="夜间噪音", when=datetime(2026, 3, 9, 15, 30, tzinfo=tz.utc))
    _as(client, world["operator"])
    assert _tickets(client.get(f"{CASES}?q=夜间&reported_from=2026-03-10")) == {late.ticket}
    assert _tickets(client.get(f"{CASES}?q=夜间&reported_to=2026-03-09")) == {earlier.ticket}


def test_overdue_lists_open_cases_past_their_deadline(client, world):
    # Signed in at each moment: a session left idle for a day has ended (等保 idle timeout).
    with time_machine.travel(TUESDAY + timedelta(hours=1), tick=False):  # due 15:30 local, it is 11:00
        assert _tickets(_as(client, world["operator"]).get(f"{CASES}?overdue=true")) == set()
    with time_machine.travel(TUESDAY + timedelta(days=1), tick=False):
        _as(client, world["operator"])
        assert _tickets(client.get(f"{CASES}?overdue=true")) == {world["a"].ticket}
        assert _tickets(client.get(f"{CASES}?overdue=false")) == {world["b"].ticket, world["c"].ticket}


def test_the_list_is_newest_first_unless_ordered_by_deadline(client, world):
    _as(client, world["operator"])
    newest_first = [row["ticket"] for row in client.get(CASES).json()["results"]]
    assert newest_first == [world[key].ticket for key in "cba"]
    by_deadline = [row["ticket"] for row in client.get(f"{CASES}?ordering=due_at").json()["results"]]
    assert by_deadline[0] == world["a"].ticket  # the only one with a deadline; none come last


def test_pages_carry_the_count(client, world):
    for minute in range(25):
        _open(title=f"占道经营 {minute}", when=TUESDAY + timedelta(minutes=minute + 1))
    _as(client, world["operator"])
    first = client.get(f"{CASES}?page_size=10").json()
    assert (first["count"], first["count_capped"], first["page"], first["page_size"]) == (28, False, 1, 10)
    assert first["results"][0]["title"] == "占道经营 24" and len(first["results"]) == 10
    last = client.get(f"{CASES}?page_size=10&page=3").json()
    assert last["count"] == 28 and len(last["results"]) == 8
    beyond = client.get(f"{CASES}?page_size=10&page=4").json()
    assert beyond["count"] == 28 and beyond["results"] == []


def test_the_count_stops_at_the_cap(client, world, monkeypatch):
    monkeypatch.setattr("finegrid.cases.api.COUNT_CAP", 2)
    body = _as(client, world["operator"]).get(f"{CASES}?page_size=1").json()
    assert (body["count"], body["count_capped"]) == (2, True)
    assert client.get(f"{CASES}?page_size=1&page=3").status_code == 400


def test_bad_query_parameters_are_422(client, world):
    queries = ["state=lost", "page_size=101", "page=0", "alarm=green", "ordering=title", "reported_from=10/03/2026",
               "area=32100x", "overdue=maybe", "status=closed"]
    _as(client, world["operator"])
    answers = {query: client.get(f"{CASES}?{query}") for query in queries}
    assert {query: r.status_code for query, r in answers.items()} == dict.fromkeys(queries, 422)
    assert all(r.json()["detail"] for r in answers.values())


# ── Transitions ───────────────────────────────────────────────────────────────────────────────


def _post(client, path, body, **headers):
    return client.post(path, json.dumps(body), content_type="application/json", **headers)


def test_a_handler_starts_work_and_gets_the_new_transition(client, world):
    case = world["a"]
    response = _post(_as(client, world["handler_cgj"]), f"{CASES}/{case.ticket}/transitions",
                     {"action": "start", "version": 3})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["transition"]["action"] == "start" and body["transition"]["seq"] == 4
    assert body["transition"]["actor"] == "handler_cgj" and body["transition"]["role"] == "handler"
    assert body["case"]["state"] == "handling" and body["case"]["version"] == 4
    assert Case.objects.get(pk=case.pk).state == "handling"


def test_a_dispatcher_sends_a_case_to_a_unit_by_its_code(client, world):
    perform(world["c"], "accept", world["operator"], now=TUESDAY)
    response = _post(_as(client, world["dispatcher"]), f"{CASES}/{world['c'].ticket}/transitions",
                     {"action": "dispatch", "unit": "zjj"})
    assert response.status_code == 201 and response.json()["case"]["unit"]["code"] == "zjj"


def test_an_operator_accepts_with_a_corrected_category_through_the_api(client, world):
    from finegrid.cases.tests.factories import make_category

    make_category("C0105", name="雨水井盖")
    _as(client, world["operator"])
    offered = {a["name"]: a for a in client.get(f"{CASES}/{world['c'].ticket}").json()["allowed_actions"]}
    assert {i["name"] for i in offered["accept"]["inputs"]} == {"category", "condition", "corrected"}
    assert offered["merge"]["inputs"] == [{"name": "master", "kind": "ticket", "required": True}]
    response = _post(client, f"{CASES}/{world['c'].ticket}/transitions",
                     {"action": "accept", "data": {"category": "C0105", "corrected": True}})
    assert response.status_code == 201 and response.json()["case"]["category"]["code"] == "C0105"
    assert response.json()["transition"]["data"]["category_before"] == "C0101"
    refused = _post(client, f"{CASES}/{world['b'].ticket}/transitions", {"action": "accept", "data": {"colour": 1}})
    assert refused.status_code == 422


def test_the_resident_rates_a_closed_case_with_the_rating_in_data(client, world):
    case = world["a"]
    for action, user in [("start", "handler_cgj"), ("report_done", "handler_cgj"), ("close", "operator")]:
        perform(case, action, world[user], now=TUESDAY)
    _as(client, world["resident"])
    path = f"{CASES}/{case.ticket}/transitions"
    assert [a["name"] for a in client.get(f"{CASES}/{case.ticket}").json()["allowed_actions"]] == ["rate"]
    assert _post(client, path, {"action": "rate", "data": {"rating": 9}}).status_code == 400
    response = _post(client, path, {"action": "rate", "data": {"rating": 5}})
    assert response.status_code == 201 and response.json()["case"]["rating"] == 5
    assert response.json()["transition"]["role"] == "resident"


def test_an_illegal_transition_is_400_with_the_reason(client, world):
    _as(client, world["operator"])
    response = _post(client, f"{CASES}/{world['c'].ticket}/transitions", {"action": "close"})
    assert response.status_code == 400 and "结案" in response.json()["detail"]
    response = _post(client, f"{CASES}/{world['c'].ticket}/transitions", {"action": "void"})
    assert response.status_code == 400 and "作废" in response.json()["detail"]


def test_a_grid_worker_may_see_but_not_accept(client, world):
    response = _post(_as(client, world["worker_a"]), f"{CASES}/{world['c'].ticket}/transitions", {"action": "accept"})
    assert response.status_code == 400 and response.json()["detail"]
    assert Case.objects.get(pk=world["c"].pk).state == "collected"


def test_a_stale_version_is_409_and_changes_nothing(client, world):
    response = _post(_as(client, world["handler_cgj"]), f"{CASES}/{world['a'].ticket}/transitions",
                     {"action": "start", "version": 2})
    assert response.status_code == 409 and response.json()["detail"]
    assert Case.objects.get(pk=world["a"].pk).state == "dispatched"


def test_an_unknown_unit_is_400(client, world):
    perform(world["c"], "accept", world["operator"], now=TUESDAY)
    response = _post(_as(client, world["dispatcher"]), f"{CASES}/{world['c'].ticket}/transitions",
                     {"action": "dispatch", "unit": "nowhere"})
    assert response.status_code == 400 and "nowhere" in response.json()["detail"]


def test_a_transition_body_outside_the_schema_is_422(client, world):
    bodies = [
        {"action": "start", "extra": 1}, {"reason": "no action"}, {"action": "fly"},
        {"action": "escalate"},  # the system's alone
        {"action": "start", "version": "3"}, {"action": "start", "data": []},
        {"action": "rate", "data": {"rating": 5, "calendar": "x"}},  # no reaching into the workflow's inputs
    ]
    _as(client, world["handler_cgj"])
    statuses = [_post(client, f"{CASES}/{world['a'].ticket}/transitions", body).status_code for body in bodies]
    assert statuses == [422] * len(bodies)
    assert Case.objects.get(pk=world["a"].pk).version == 3


def test_a_session_post_without_the_csrf_token_is_refused(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["handler_cgj"])
    path = f"{CASES}/{world['a'].ticket}/transitions"
    assert _post(client, path, {"action": "start"}).status_code == 403
    assert client.get(CASES).status_code == 200  # reading needs no token
    client.get("/api/v1/docs")  # sets the CSRF cookie
    response = _post(client, path, {"action": "start"}, HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)
    assert response.status_code == 201
    assert Case.objects.get(pk=world["a"].pk).state == "handling"


# ── Tokens ────────────────────────────────────────────────────────────────────────────────────


def test_a_bearer_token_authenticates_without_a_session_or_csrf(world):
    record, token = ApiToken.issue("api", user=world["handler_cgj"], name="mobile app")
    client = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert _tickets(client.get(CASES)) == {world["a"].ticket}
    response = _post(client, f"{CASES}/{world['a'].ticket}/transitions", {"action": "start"})
    assert response.status_code == 201 and response.json()["transition"]["actor"] == "handler_cgj"
    stored = ApiToken.objects.get(pk=record.pk)
    assert stored.key_hash == hashlib.sha256(token.encode()).hexdigest() and token not in str(vars(stored))


def test_a_token_records_its_last_use_at_most_once_a_minute(world):
    record, token = ApiToken.issue("api", user=world["operator"], name="hotline import")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    with time_machine.travel(TUESDAY, tick=False):
        client.get(CASES)
    with time_machine.travel(TUESDAY + timedelta(seconds=59), tick=False):
        client.get(CASES)
        assert ApiToken.objects.get(pk=record.pk).last_used_at == TUESDAY
    with time_machine.travel(TUESDAY + timedelta(seconds=61), tick=False):
        client.get(CASES)
        assert ApiToken.objects.get(pk=record.pk).last_used_at == TUESDAY + timedelta(seconds=61)


def test_a_wrong_revoked_or_foreign_credential_is_401_even_with_a_session(client, world):
    _as(client, world["leader"])  # a valid session does not rescue a bad Authorization header
    revoked, revoked_token = ApiToken.issue("api", user=world["operator"], name="old")
    call_command("api_token", "revoke", str(revoked.pk), stdout=io.StringIO())
    inactive_token = ApiToken.issue("api", user=world["dispatcher"], name="left")[1]
    get_user_model().objects.filter(pk=world["dispatcher"].pk).update(is_active=False)
    headers = ["Bearer fg_wrong", "Bearer ", "Basic b3BlcmF0b3I6eA==", f"Bearer {revoked_token}",
               f"Bearer {inactive_token}", f"Token {ApiToken.issue('api', user=world['operator'], name='x')[1]}"]
    answers = [client.get(CASES, HTTP_AUTHORIZATION=header) for header in headers]
    assert [(r.status_code, r.json()) for r in answers] == [(401, {"detail": "Unauthorized"})] * len(headers)


def test_the_token_command_creates_lists_and_revokes(world):
    out, err = io.StringIO(), io.StringIO()
    call_command("api_token", "create", "handler_cgj", "城管 app", stdout=out, stderr=err)
    token = out.getvalue().strip().splitlines()[-1]
    assert token.startswith("fg_") and "not shown again" in err.getvalue()
    record = ApiToken.objects.get()
    assert (record.user, record.name, record.prefix) == (world["handler_cgj"], "城管 app", token[:8])
    assert Client(HTTP_AUTHORIZATION=f"Bearer {token}").get(CASES).status_code == 200
    listing = io.StringIO()
    call_command("api_token", "list", stdout=listing)
    assert "handler_cgj" in listing.getvalue() and token[:8] in listing.getvalue() and token not in listing.getvalue()
    call_command("api_token", "revoke", str(record.pk), stdout=io.StringIO())
    assert Client(HTTP_AUTHORIZATION=f"Bearer {token}").get(CASES).status_code == 401
    with pytest.raises(CommandError):
        call_command("api_token", "revoke", str(record.pk))
    with pytest.raises(CommandError):
        call_command("api_token", "create", "nobody", "x")


# ── Opening a case ────────────────────────────────────────────────────────────────────────────

REPORT = {"title": "井盖缺失", "description": "东关街 12 号门口", "category": "C0101", "lon": GRID_A[0], "lat": GRID_A[1],
          "address": "东关街 12 号", "reporter_name": "赵敏", "reporter_phone": "13700001111", "urgency": "24h",
          "channel": "hotline"}


def test_a_system_administrator_opens_no_case(client, world):
    for user in ["superuser", "admin", "callback"]:
        assert _post(_as(client, world[user]), CASES, REPORT).status_code == 403, user


def test_office_staff_and_grid_workers_open_a_located_case(client, world):
    for user in ["operator", "dispatcher", "worker_a"]:
        response = _post(_as(client, world[user]), CASES, REPORT)
        assert response.status_code == 201, (user, response.content)
        body = response.json()
        assert body["state"] == "collected" and body["area_code"].startswith("321002001001001")
        assert body["category"]["code"] == "C0101" and body["urgency"] == "24h"
        assert body["history"][0]["actor"] == world[user].username
        assert Case.objects.get(ticket=body["ticket"]).reporter_phone == "13700001111"


def test_a_case_may_be_placed_by_area_code_alone(client, world):
    body = {**REPORT, "lon": None, "lat": None, "area_code": "321002002001"}
    response = _post(_as(client, world["operator"]), CASES, body)
    assert response.status_code == 201 and response.json()["area_code"] == "321002002001"


def test_other_roles_may_not_open_a_case_here(client, world):
    users = ["resident", "handler_cgj", "leader"]
    statuses = {user: _post(_as(client, world[user]), CASES, REPORT).status_code for user in users}
    assert statuses == dict.fromkeys(users, 403)
    assert not Case.objects.filter(title=REPORT["title"]).exists()


def test_a_report_outside_the_schema_is_422(client, world):
    changes = [
        {"lon": 181}, {"lat": -91}, {"lat": None}, {"lon": None, "lat": None}, {"title": ""}, {"title": "x" * 201},
        {"urgency": "3d"}, {"channel": "pigeon"}, {"reporter_phone": "call me"}, {"anonymous": "yes"},
        {"area_code": "32a"}, {"priority": "high"},
    ]
    _as(client, world["operator"])
    statuses = [_post(client, CASES, {**REPORT, **change}).status_code for change in changes]
    assert statuses == [422] * len(changes)
    assert not Case.objects.filter(title=REPORT["title"]).exists()


def test_an_unknown_category_is_422_naming_the_field(client, world):
    response = _post(_as(client, world["operator"]), CASES, {**REPORT, "category": "Z9999"})
    assert response.status_code == 422
    (problem,) = response.json()["detail"]
    assert problem["loc"][-1] == "category" and "Z9999" in problem["msg"]


@pytest.mark.parametrize("change, field", [
    ({"lon": 116.4, "lat": 39.9}, "lon"),  # Beijing: accepted with an empty area before the one entrance
    ({"lon": 0, "lat": 0}, "lon"),
    ({"lat": False}, "lat"),
    ({"lon": None, "lat": None, "area_code": "9" * 18}, "area_code"),
    ({"lon": None, "lat": None, "area_code": "321099"}, "area_code"),
])
def test_a_report_the_district_cannot_take_is_422_naming_the_field(client, world, change, field):
    response = _post(_as(client, world["operator"]), CASES, {**REPORT, **change})
    assert response.status_code == 422, response.content
    assert field in {problem["loc"][-1] for problem in response.json()["detail"]}
    assert not Case.objects.filter(title=REPORT["title"]).exists()


def test_an_idempotency_key_makes_a_retried_post_one_case(client, world):
    _as(client, world["operator"])
    first = _post(client, CASES, REPORT, HTTP_IDEMPOTENCY_KEY="k-1")
    again = _post(client, CASES, REPORT, HTTP_IDEMPOTENCY_KEY="k-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["ticket"] == again.json()["ticket"]
    assert Case.objects.filter(title=REPORT["title"]).count() == 1


# ── Schema, docs and speed ────────────────────────────────────────────────────────────────────


def test_the_openapi_schema_lists_the_paths_and_both_ways_to_sign_in(client, db):
    schema = json.loads(client.get("/api/v1/openapi.json").content)
    assert schema["info"] == {**schema["info"], "title": "finegrid API", "version": "1"}
    cases = {path for path in schema["paths"] if path.startswith("/api/v1/cases")}  # other apps add their own
    assert cases == {"/api/v1/cases", "/api/v1/cases/{ticket}", "/api/v1/cases/{ticket}/transitions"}
    assert set(schema["paths"]["/api/v1/cases"]) == {"get", "post"}
    assert set(schema["components"]["securitySchemes"]) == {"BearerToken", "Session"}
    assert "409" in schema["paths"]["/api/v1/cases/{ticket}/transitions"]["post"]["responses"]


def test_the_docs_page_fetches_nothing_from_the_internet(client, db):
    page = client.get("/api/v1/docs").content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources and all(source.startswith("/api/v1/docs/assets/") for source in sources)
    assert '"validatorUrl": null' in page
    for source in sources:
        assert client.get(source).status_code == 200
    assert client.get("/api/v1/docs/assets/..%2Fsettings.py").status_code == 404


def test_the_list_and_detail_keep_their_query_count(client, world, django_assert_max_num_queries):
    for minute in range(40):
        case = _open(title=f"占道经营 {minute}", when=TUESDAY + timedelta(minutes=minute))
        perform(case, "accept", world["operator"], now=TUESDAY)
        perform(case, "dispatch", world["dispatcher"], unit=world["cgj"], now=TUESDAY)
    for user in ["operator", "handler_cgj", "worker_a"]:
        _as(client, world[user])
        # session, user, roles, scope (2), count, the keys of a short list, page, categories, units
        with django_assert_max_num_queries(10):
            assert len(client.get(f"{CASES}?page_size=30").json()["results"]) == 30
        with django_assert_max_num_queries(9):  # … case, history, the workflow's assignments (2)
            assert client.get(f"{CASES}/{case.ticket}").status_code == 200
