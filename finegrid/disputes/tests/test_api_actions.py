"""A dispute's steps through the API: the machine's own checks, the schema per action, 409 on a
stale version, 422 naming the field, the pages' scopes."""

import json

from django.test import Client

from finegrid.disputes.models import Dispute


def _client(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def _post(client, dispute, action, body):
    return client.post(f"/api/v1/disputes/{dispute.pk}/actions/{action}", json.dumps(body),
                       content_type="application/json")


def test_a_dispute_is_mediated_through_the_api_and_a_stale_step_is_a_409(world, dispute, committee):
    street = _client(world["street_a"])
    done = _post(street, dispute, "assign", {"version": 1, "unit": committee.code, "mediator": "worker_a"})
    assert done.status_code == 200, done.content
    assert done.json()["state"] == "mediating" and done.json()["mediator"] == "worker_a"
    mediator = _client(world["worker_a"])
    assert _post(mediator, dispute, "session", {"version": 2, "summary": "首次调解"}).status_code == 200
    stale = _post(street, dispute, "session", {"version": 2, "summary": "同时调解"})
    assert stale.status_code == 409 and "somebody else" in stale.json()["detail"]
    assert Dispute.objects.get(pk=dispute.pk).session_count == 1
    agreed = _post(mediator, dispute, "agree", {"version": 3, "agreement": "楼上修好防水，赔偿八百元"})
    assert agreed.status_code == 200 and agreed.json()["state"] == "agreed"
    history = [step["action"] for step in agreed.json()["history"]]
    assert history == ["register", "assign", "session", "agree"]


def test_a_wrong_or_missing_input_is_a_422_naming_the_field(world, dispute, committee):
    street = _client(world["street_a"])
    _post(street, dispute, "assign", {"version": 1, "unit": committee.code})
    for body, field in [({"version": 2}, "summary"),
                        ({"version": 2, "summary": "x", "colour": "red"}, "colour"),
                        ({"version": "2", "summary": "x"}, "version")]:
        answer = _post(street, dispute, "session", body)
        assert answer.status_code == 422 and field in json.dumps(answer.json()["detail"]), (body, answer.content)
    too_long = _post(street, dispute, "extend", {"version": 2, "reason": "双方同意", "days": 45, "applicant_consent": True, "respondent_consent": True})
    assert too_long.status_code == 422 and "days" in json.dumps(too_long.json()["detail"]), too_long.content
    risk = _post(street, dispute, "rate_risk", {"version": 2, "reason": "升级", "risk": "purple"})
    assert risk.status_code == 422 and "risk" in json.dumps(risk.json()["detail"])


def test_the_api_keeps_the_pages_scopes(world, dispute):
    assert _post(_client(world["worker_b"]), dispute, "session", {"version": 1, "summary": "x"}).status_code == 404
    assert _post(_client(world["worker_a"]), dispute, "assign", {"version": 1, "mediator": "worker_a"}
                 ).status_code == 403  # a grid worker does not assign
    assert _post(_client(world["street_a"]), dispute, "close", {"version": 1, "problem_solved": "a", "minds_eased": "b", "help_given": "c"}).status_code == 400  # not agreed yet


def test_the_openapi_schema_has_each_steps_own_body(world):
    paths = _client(world["leader"]).get("/api/v1/openapi.json").json()
    extend = paths["paths"]["/api/v1/disputes/{dispute_id}/actions/extend"]["post"]
    schema = json.dumps(paths["components"]["schemas"])
    assert "409" in extend["responses"] and "applicant_consent" in schema and "DisputeCloseStep" in schema
