"""An anonymous reporter's phone (issue 14, item 2): sealed in the database, read whole only by
the call-back desk (回访) and the reporter's own tracking, every whole number shown audited; other
phones masked for whoever does not call reporters back, in the API, the exports and the pages."""

import pytest
from django.db import connection

from finegrid.cases import phones
from finegrid.cases.bulk import Report, open_many
from finegrid.cases.models import Case
from finegrid.cases.visibility import Viewer, visible_cases
from finegrid.cases.workflow import allowed_actions
from finegrid.core.models import AuditEntry

from .test_api import CASES, TUESDAY, _as, _open

NAMED, SECRET = "13800005678", "13900001234"


@pytest.fixture
def cases(world):
    named = _open(title="东关街井盖缺失", reporter_name="王芳", reporter_phone=NAMED, when=TUESDAY)
    secret = _open(title="汶河路路灯不亮", channel="hotline", reporter_phone=SECRET, anonymous=True, when=TUESDAY)
    return named, secret


def test_an_anonymous_phone_is_stored_sealed_and_masked(world, cases):
    _, secret = cases
    with connection.cursor() as cursor:
        cursor.execute("SELECT reporter_phone, reporter_phone_sealed FROM cases_case WHERE id = %s", [secret.pk])
        plain, sealed = cursor.fetchone()
    assert plain == "139****1234" and SECRET not in sealed and phones.unseal(sealed) == SECRET


def test_a_bulk_import_seals_an_anonymous_phone_too(world):
    report = Report(channel="hotline", title="噪音扰民", category_code="C0101", reporter_phone=SECRET, anonymous=True)
    case = Case.objects.get(pk=open_many([report])[0].pk)
    assert case.reporter_phone == "139****1234" and phones.whole(case) == SECRET


@pytest.mark.parametrize("who,named,secret", [
    ("callback", NAMED, SECRET),  # 回访: the one desk that reads an anonymous reporter's number
    ("operator", NAMED, "139****1234"), ("dispatcher", NAMED, "139****1234"),
    ("supervisor", "138****5678", "139****1234"), ("leader", "138****5678", "139****1234"),
])
def test_the_api_shows_each_desk_the_phone_it_may_see(client, world, cases, who, named, secret):
    _as(client, world[who])
    listed = {row["ticket"]: row["reporter_phone"] for row in client.get(CASES).json()["results"]}
    details = {c.ticket: client.get(f"{CASES}/{c.ticket}").json()["reporter_phone"] for c in cases}
    assert listed == details == {cases[0].ticket: named, cases[1].ticket: secret}


def test_the_three_administrators_and_a_superuser_see_no_case_and_take_no_action(client, world, cases):
    for who in ("admin", "superuser", "secadmin", "auditor"):
        viewer = Viewer.of(world[who])
        assert not visible_cases(viewer).exists(), who
        assert all(allowed_actions(case, world[who]) == [] for case in cases), who
        assert viewer.phone(cases[0]) == "138****5678", who
        _as(client, world[who])
        assert client.get(CASES).json()["results"] == [], who
        assert client.get(f"{CASES}/{cases[1].ticket}").status_code == 404, who


def test_every_whole_phone_shown_is_audited_who_whose_when(client, world, cases):
    AuditEntry.objects.all().delete()
    _as(client, world["callback"])
    client.get(CASES)
    client.get(f"{CASES}/{cases[1].ticket}")
    entries = list(AuditEntry.objects.filter(action="case.phone_read").order_by("pk"))
    assert [set(e.detail["tickets"]) for e in entries] == [{c.ticket for c in cases}, {cases[1].ticket}]
    assert {e.actor for e in entries} == {world["callback"]} and all(e.at for e in entries)
    _as(client, world["leader"])  # a masked number is no read
    client.get(CASES)
    assert AuditEntry.objects.filter(action="case.phone_read").count() == 2


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports_carry_the_phone_each_desk_may_see_and_audit_the_whole_ones(client, world, cases, fmt):
    def exported(who) -> bytes:
        _as(client, world[who])
        response = client.get(f"/console/cases/?export={fmt}")
        body = b"".join(response.streaming_content) if response.streaming else response.content
        return body if fmt == "csv" else _xlsx_text(body)

    operator = exported("operator")
    assert NAMED.encode() in operator and SECRET.encode() not in operator
    assert AuditEntry.objects.get(action="case.phone_read").detail["tickets"] == [cases[0].ticket]
    callback = exported("callback")
    assert SECRET.encode() in callback and NAMED.encode() in callback
    assert NAMED.encode() not in exported("leader") and b"138****5678" in exported("leader")


def _xlsx_text(body: bytes) -> bytes:
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(body), read_only=True).active
    return "\n".join(",".join(str(v or "") for v in row) for row in sheet.iter_rows(values_only=True)).encode()


def test_the_case_page_shows_an_anonymous_phone_to_the_call_back_desk_alone(client, world, cases):
    _, secret = cases
    for who, shown in (("callback", True), ("operator", False), ("dispatcher", False)):
        page = _as(client, world[who]).get(f"/console/cases/{secret.ticket}/").content.decode()
        assert (SECRET in page) is shown, who
        assert "139****1234" not in page  # nor its masked form to the others


@pytest.mark.parametrize("value", ["=HYPERLINK(\"http://x\")", "+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_exports_neutralise_formula_cells(value):
    from finegrid.core.exports import _plain

    assert _plain(value) == "'" + value


def test_a_sealed_phone_under_another_key_reads_as_empty(world, cases, settings):
    _, secret = cases
    settings.FINEGRID_PHONE_KEY = "another-key-entirely-" * 3
    assert phones.whole(Case.objects.get(pk=secret.pk)) == ""
