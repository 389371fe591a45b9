"""Open311 against a careless or hostile client (issue 14): far dates, bodies in other charsets,
a reused Idempotency-Key, a flood from one address or one phone."""

import json
from urllib.parse import quote_from_bytes

import pytest

from finegrid.intake.models import Queued

from .test_open311 import V2, _report, o311  # noqa: F401 (a fixture)


def _errors(response) -> list[str]:
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return [e["description"] for e in json.loads(response.content)]


@pytest.mark.parametrize("query", ["start_date=9999-12-31T00:00:00Z", "end_date=0001-01-01T00:00:00Z",
                                   "start_date=9999-12-01T00:00:00Z&end_date=9999-12-31T23:59:59Z"])
def test_far_dates_are_a_400_not_a_500(client, o311, query):
    response = client.get(f"{V2}/requests.json?{query}")
    assert response.status_code == 400
    assert "2999" in _errors(response)[0]  # the last year a date may name


def _form(params: dict, charset: str) -> bytes:
    return "&".join(f"{k}={quote_from_bytes(str(v).encode(charset))}" for k, v in params.items()).encode()


def test_a_gbk_body_is_read_in_gbk(client, o311):
    body = _form(_report(o311, description="窨井盖缺失，请尽快处理"), "gbk")
    response = client.post(f"{V2}/requests.json", body,
                           content_type="application/x-www-form-urlencoded; charset=gbk")
    assert response.status_code == 200, response.content
    assert Queued.objects.get().payload["description"] == "窨井盖缺失，请尽快处理"


def test_a_body_not_in_its_declared_charset_is_refused_with_an_open311_error(client, o311):
    body = _form(_report(o311, description="窨井盖缺失"), "gbk")  # GBK bytes, said to be UTF-8
    response = client.post(f"{V2}/requests.json", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "UTF-8" in _errors(response)[0]
    assert not Queued.objects.exists()


def test_an_unknown_charset_is_refused_with_an_open311_error(client, o311):
    response = client.generic("POST", f"{V2}/requests.json", _form(_report(o311), "utf-8"),
                              content_type="application/x-www-form-urlencoded; charset=x-klingon")
    assert response.status_code == 400
    assert "x-klingon" in _errors(response)[0]


def test_a_reused_idempotency_key_with_another_body_is_a_422_naming_it(client, o311):
    first = client.post(f"{V2}/requests.json", _report(o311), headers={"Idempotency-Key": "abc-1"})
    again = client.post(f"{V2}/requests.json", _report(o311), headers={"Idempotency-Key": "abc-1"})
    assert first.status_code == again.status_code == 200
    assert json.loads(first.content)[0]["token"] == json.loads(again.content)[0]["token"]
    other = client.post(f"{V2}/requests.json", _report(o311, description="路灯坏了"),
                        headers={"Idempotency-Key": "abc-1"})
    assert other.status_code == 422
    assert "abc-1" in _errors(other)[0]
    assert Queued.objects.count() == 1


def test_posts_are_limited_per_address_and_per_phone(client, o311):
    answers = [client.post(f"{V2}/requests.json", _report(o311, description=f"第{n}处井盖", phone="13800001111"))
               for n in range(12)]
    codes = [r.status_code for r in answers]
    assert codes.count(200) == 10 and codes[-1] == 429, codes  # the phone's limit
    other_phone = client.post(f"{V2}/requests.json", _report(o311, description="又一处", phone="13900002222"))
    assert other_phone.status_code == 200
