"""Schemathesis fuzzes the JSON API (/api/v1/) and Open311 (/open311/v2/) from their OpenAPI
schemas, in process through WSGI on the test database: whatever it sends, never a 500. Bounded:
a few dozen examples per operation, no deadline per example.

Authenticated: the JSON API as an operator (an API token), Open311 with a real api_key. A made-up
ticket only ever reaches "not found", so the case operations are fuzzed again on a real case the
operator handles: every generated header, query and body against the loading, authorisation and
transition checks of a case that exists."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from finegrid.wsgi import application

api = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
open311 = schemathesis.openapi.from_wsgi("/open311/v2/openapi.json", application)
BOUND = settings(max_examples=20, deadline=None, derandomize=True,
                 suppress_health_check=list(HealthCheck))


@pytest.fixture(autouse=True)
def one_connection():
    """The calls go straight to the WSGI handler, whose request signals would close the database
    connection after each one — and with it the test's transaction (PostgreSQL). Django's own test
    client keeps the connection the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def keys(catalogue, django_user_model):
    from finegrid.core.models import ApiToken
    from finegrid.intake.keys import issue_key

    from finegrid.conftest import make_user
    from finegrid.org.models import Role

    operator = make_user("fuzzer", Role.OPERATOR)  # a business actor: a superuser sees no case (三员分立)
    return {"token": ApiToken.issue("api", user=operator, name="fuzz")[1], "open311": issue_key("fuzz")[1]}


@api.parametrize()
@BOUND
def test_the_json_api_never_fails_with_a_server_error(case, keys):
    case.headers = {**(case.headers or {}), "Authorization": f"Bearer {keys['token']}", "Host": "127.0.0.1"}
    case.call_and_validate(checks=[not_a_server_error])


@open311.parametrize()
@BOUND
def test_open311_never_fails_with_a_server_error(case, keys):
    if isinstance(case.body, dict) and case.body.get("api_key") != "":
        case.body["api_key"] = keys["open311"]  # most examples get past the key to the real checks
    case.headers = {**(case.headers or {}), "Host": "127.0.0.1"}
    case.call_and_validate(checks=[not_a_server_error])


@pytest.fixture
def ticket(keys, catalogue):
    """A case the operator sees and may act on: C0101 in grid …001, accepted at once."""
    from finegrid.intake.entrance import take_in
    from finegrid.intake.intake import Submission

    from .conftest import GRID_A

    (result,) = take_in([Submission(channel="hotline", title="井盖缺失", description="人民路口井盖缺失",
                                    category_code="C0101", lon=GRID_A[0], lat=GRID_A[1], public_only=False,
                                    answers={"depth": 30})])
    return result.case.ticket


@api.include(path_regex=r"\{ticket\}").parametrize()
@BOUND
def test_the_case_operations_on_a_real_case_never_fail_with_a_server_error(case, keys, ticket):
    from finegrid.cases.models import Case

    case.path_parameters = {**(case.path_parameters or {}), "ticket": ticket}
    if isinstance(case.body, dict) and "version" in case.body:  # the version it has: past the 409, to the checks
        case.body["version"] = Case.objects.values_list("version", flat=True).get(ticket=ticket)
    case.headers = {**(case.headers or {}), "Authorization": f"Bearer {keys['token']}", "Host": "127.0.0.1"}
    case.call_and_validate(checks=[not_a_server_error])
