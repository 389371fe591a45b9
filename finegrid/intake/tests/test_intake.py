import re

import pytest

from finegrid.cases.models import Case, Transition
from finegrid.intake.intake import DESCRIPTION_MAX, IntakeError, Submission, intake
from finegrid.intake.models import Receipt

from .conftest import GRID_A, GRID_B, OUTSIDE
from finegrid.cases.tests.factories import image_bytes

PNG = image_bytes()  # a real picture: evidence is decoded


def _web(**kwargs):
    defaults = dict(channel="web", description="井盖没了，很危险", category_code="C0101", lon=GRID_A[0], lat=GRID_A[1],
                    answers={"depth": "30"}, reporter_phone="13800005678")
    return Submission(**{**defaults, **kwargs})


def _upload(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="image/png")


def test_a_report_becomes_a_located_accepted_case_with_a_readable_ticket(catalogue):
    taken = intake(_web())
    case = Case.objects.get(pk=taken.case.pk)
    assert taken.created and case.channel == "web"
    assert case.area_code == "321002001001001002" and case.grid.code == "321002001001001"
    assert case.state in ("accepted", "dispatched") and case.due_at is not None  # 立案 at intake, deadline set
    assert re.fullmatch(r"\d{13}", case.ticket)  # digits only: read out on the phone
    assert taken.receipt.answers == {"depth": "30"}


def test_a_category_that_needs_verification_waits_without_a_deadline(catalogue):
    case = intake(_web(category_code="E0101", answers={})).case
    assert case.state == "collected" and case.due_at is None


def test_the_same_key_twice_opens_one_case(catalogue):
    first = intake(_web(key="12345-0001"))
    again = intake(_web(key="12345-0001", description="another text"))
    assert again.created is False and again.case.pk == first.case.pk
    assert Case.objects.count() == 1 and Receipt.objects.count() == 1


def test_the_same_key_on_another_channel_is_another_case(catalogue):
    intake(_web(key="k1"))
    intake(_web(key="k1", channel="patrol"))
    assert Case.objects.count() == 2


def test_a_point_outside_the_district_is_refused_clearly(catalogue):
    with pytest.raises(IntakeError) as refused:
        intake(_web(lon=OUTSIDE[0], lat=OUTSIDE[1]))
    assert "outside 广陵区" in refused.value.problems["location"]
    assert not Case.objects.exists()


@pytest.mark.parametrize("change, field", [
    (dict(description="", title=""), "description"),
    (dict(description="x" * (DESCRIPTION_MAX + 1)), "description"),
    (dict(description="x" * 10_000_000), "description"),
    (dict(lon="abc"), "location"),
    (dict(lon=float("nan")), "location"),
    (dict(lat=None), "location"),
    (dict(lon=None, lat=None), "location"),
    (dict(reporter_phone="call me<script>"), "phone"),
    (dict(category_code="Z9999"), "category"),
    (dict(urgency="now"), "urgency"),
    (dict(channel="pigeon"), "channel"),
    (dict(answers={}), "attribute[depth]"),
    (dict(answers={"depth": "deep"}), "attribute[depth]"),
    (dict(answers={"depth": "3", "cover": "melted"}), "attribute[cover]"),
    (dict(answers={"depth": "3", "risks": ["cars", "ufo"]}), "attribute[risks]"),
    (dict(answers={"depth": "3", "seen_at": "2026-03-10T09:30:00"}), "attribute[seen_at]"),
    (dict(photos=[_upload("a.png", b"MZ\x90\x00 not a photo")]), "photos"),
])
def test_bad_submissions_are_refused_and_leave_nothing(catalogue, change, field):
    with pytest.raises(IntakeError) as refused:
        intake(_web(**change))
    assert field in refused.value.problems
    assert not Case.objects.exists() and not Transition.objects.exists() and not Receipt.objects.exists()


def test_good_answers_of_every_datatype_are_kept(catalogue):
    answers = {"depth": "12.5", "note": "<b>深</b>", "seen_at": "2026-03-10T09:30:00+08:00", "story": "long",
               "cover": "gone", "risks": ["cars", "people"], "safety": "ignored", "unknown": "ignored"}
    kept = intake(_web(answers=answers)).receipt.answers
    assert kept == {k: v for k, v in answers.items() if k not in ("safety", "unknown")}


def test_html_is_stored_as_typed_and_control_characters_dropped(catalogue):
    case = intake(_web(description="<script>alert('x')</script>\x00井盖\x07")).case
    assert Case.objects.get(pk=case.pk).description == "<script>alert('x')</script>井盖"


def test_a_hotline_topic_we_do_not_know_waits_for_an_operator(catalogue):
    case = intake(_web(channel="hotline", category_code="H9999")).case
    assert case.category is None and case.state == "collected"


def test_an_address_alone_is_located_through_the_gazetteer(catalogue):
    case = intake(_web(lon=None, lat=None, address="个园门口")).case
    assert case.area_code.startswith("321002001001001")


def test_an_address_nobody_knows_still_makes_a_case(catalogue):
    case = intake(_web(lon=None, lat=None, address="某处")).case
    assert case.area_code == "" and case.pk


def test_photos_checked_by_content_are_attached_to_the_report(catalogue):
    case = intake(_web(photos=[_upload("p.png", PNG)])).case
    evidence = case.evidence.get()
    assert evidence.content_type == "image/png" and evidence.transition.action == "report"


def test_a_case_in_grid_b_lands_in_grid_b(catalogue):
    case = intake(_web(lon=GRID_B[0], lat=GRID_B[1])).case
    assert case.grid.code == "321002002001001"
