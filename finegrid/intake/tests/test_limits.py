"""The residents' pages under a flood or a guesser (issue 14, items 2–4): limits shared by every
worker, per client address (behind a trusted proxy, the resident's own) and per phone or ticket;
a report's total size; an anonymous reporter's number opened only to compare, and audited."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from finegrid.cases.evidence import MAX_TOTAL_BYTES
from finegrid.cases.models import Case
from finegrid.core.models import AuditEntry

from .test_pages import PNG, _form, _report


def _guess(client, ticket, phone="13800000000", **meta):
    return client.post("/track/", {"ticket": ticket, "phone": phone}, **meta)


def test_a_ticket_is_guessed_at_most_ten_times_from_any_number_of_addresses(catalogue):
    _report(Client())
    ticket = Case.objects.get().ticket
    codes = [_guess(Client(), ticket, REMOTE_ADDR=f"198.51.100.{n}").status_code for n in range(12)]
    assert codes == [400] * 10 + [429] * 2
    # Even the right phone is refused now: the ticket is closed to lookups for ten minutes.
    assert _guess(Client(), ticket, "13800005678", REMOTE_ADDR="203.0.113.1").status_code == 429


def test_behind_a_trusted_proxy_each_resident_has_their_own_limit(catalogue, settings):
    settings.FINEGRID_TRUSTED_PROXIES = ["10.0.0.1"]
    via_proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for n in range(10):
        _guess(Client(), f"1{n}", HTTP_X_FORWARDED_FOR="198.51.100.1", **via_proxy)
    assert _guess(Client(), "99", HTTP_X_FORWARDED_FOR="198.51.100.1", **via_proxy).status_code == 429
    assert _guess(Client(), "98", HTTP_X_FORWARDED_FOR="198.51.100.2", **via_proxy).status_code == 400


def test_an_untrusted_forwarded_header_buys_no_more_guesses(catalogue, settings):
    settings.FINEGRID_TRUSTED_PROXIES = []
    for n in range(10):
        _guess(Client(), f"1{n}", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    assert _guess(Client(), "99", HTTP_X_FORWARDED_FOR="198.51.100.99").status_code == 429


def test_reports_are_limited_per_phone_and_per_address(catalogue):
    codes = [_report(Client(), key=f"k-{n}", description=f"第{n}处垃圾").status_code for n in range(7)]
    assert codes == [302] * 5 + [429] * 2  # one phone, five an hour
    others = [_report(Client(), key=f"o-{n}", phone=f"1390000{n:04d}", description=f"又一处{n}").status_code
              for n in range(4)]
    # The address's eight tries in ten minutes: seven went above, refused ones counted too.
    assert others == [302, 429, 429, 429]
    assert Case.objects.count() == 6


def test_a_report_whose_files_add_up_past_the_total_is_refused(catalogue):
    part = MAX_TOTAL_BYTES // 3 + 1
    photos = [SimpleUploadedFile(f"p{n}.png", PNG + b"\0" * part, content_type="image/png") for n in range(3)]
    response = Client().post("/report/", {**_form(), "photos": photos})
    assert response.status_code == 400 and not Case.objects.exists()


def test_tracking_an_anonymous_report_compares_the_sealed_phone_and_audits_it(catalogue):
    _report(Client(), anonymous="on")
    case = Case.objects.get()
    assert case.anonymous and case.reporter_phone == "138****5678"
    found = _guess(Client(), case.ticket, "138 0000 5678")
    assert found.status_code == 302
    entry = AuditEntry.objects.get(action="case.phone_read")
    assert entry.target == case.ticket and entry.detail["seen_in"] == "track"
