"""12345转办: a hotline case taken in as a petition — from its page and in bulk — keeping the case,
the caller, the matter and the day received; the case records it as its own step; a 申诉求决
case is suggested."""

from django.test import Client

from finegrid.cases.models import Case
from finegrid.cases.reporting import open_case
from finegrid.insight.models import CaseLabels
from finegrid.petitions.from_cases import recognise, take_case
from finegrid.petitions.models import Link, Petition

from .helpers import AREA, at

CLAIM = "保利小区项目停工一年多，已交首付却迟迟不能交房，多次反映至今未解决，要求尽快复工交房"


def _hotline(text=CLAIM, name="孙丽", phone="13912345678", request_type="投诉", when="2026-03-02", **more):
    case = open_case(channel=Case.Channel.HOTLINE, title=text[:20], description=text, reporter_name=name,
                     reporter_phone=phone, address="广陵区文昌中路1号", area_code=AREA, now=at(when), **more)
    if request_type:
        CaseLabels.objects.create(case=case, topic="城乡建设", request_type=request_type, urgency="一般")
    return Case.objects.select_related("insight").get(pk=case.pk)


def _client(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_a_complaint_with_a_claim_is_suggested_and_a_plain_question_is_not(world):
    suggested = recognise(_hotline())
    assert suggested.kind == "claim" and suggested.field == "保交楼" and "投诉" in suggested.why
    assert recognise(_hotline("路灯不亮，请尽快维修", request_type="投诉")) is None  # no claim in its words
    assert recognise(_hotline(request_type="咨询")) is None  # a question is no 申诉求决
    patrol = open_case(channel=Case.Channel.PATROL, title="x", description=CLAIM, area_code=AREA, now=at("2026-03-02"))
    assert recognise(patrol) is None


def test_the_petition_keeps_the_case_the_caller_the_matter_and_the_day_received(world):
    case = _hotline()
    petition = take_case(case, world["petition_office"], now=at("2026-03-05"))
    petition = Petition.objects.select_related("petitioner").get(pk=petition.pk)
    assert petition.channel == "12345" and petition.source_case_id == case.pk
    assert petition.received_at == at("2026-03-02") and petition.registered_at == at("2026-03-05")
    assert petition.petitioner.name == "孙丽" and petition.petitioner.phone == "13912345678"
    assert petition.petitioner.masked_phone() == "139****5678"
    assert petition.kind == "claim" and petition.field == "保交楼" and petition.matter == CLAIM
    assert Link.objects.get(petition=petition, subject="case").state == Link.State.CONFIRMED
    step = case.transitions.order_by("-seq").first()
    assert step.action == "to_petition" and step.data == {"petition": petition.number}
    assert Case.objects.get(pk=case.pk).state == case.state  # the hotline still answers its caller


def test_a_case_is_taken_once_and_a_nameless_caller_is_refused(world):
    from finegrid.cases.machine import TransitionError

    case = _hotline()
    take_case(case, world["operator"], now=at("2026-03-05"))
    for again, words in [(case, "a petition already"), (_hotline(name="", phone="13900001111"), "no name")]:
        try:
            take_case(again, world["petition_office"], now=at("2026-03-06"))
        except TransitionError as error:
            assert words in str(error)
        else:
            raise AssertionError("taken twice or without a name")
    assert Petition.objects.count() == 1


def test_the_office_takes_the_hotlines_cases_in_bulk_the_suggested_ticked_first(world):
    suggested, plain = _hotline(when="2026-11-20"), _hotline("噪音扰民，请处理", request_type="投诉", when="2026-11-21")
    client = _client(world["petition_office"])
    page = client.get("/petitions/from-hotline/").content.decode()
    assert page.index(suggested.ticket) < page.index(plain.ticket)
    assert f'value="{suggested.ticket}" id="t-{suggested.pk}" checked' in page
    done = client.post("/petitions/from-hotline/", {"ticket": [suggested.ticket, plain.ticket]}, follow=True)
    assert done.status_code == 200 and Petition.objects.count() == 2
    assert suggested.ticket not in client.get("/petitions/from-hotline/").content.decode()
    assert _client(world["handler_zjj"]).get("/petitions/from-hotline/").status_code == 404


def test_the_operator_takes_one_in_from_the_case_page(world):
    case = _hotline()
    operator = _client(world["operator"])
    page = operator.get(f"/console/cases/{case.ticket}/").content.decode()
    assert f"/petitions/from-case/{case.ticket}/" in page
    done = operator.post(f"/petitions/from-case/{case.ticket}/")
    assert done.status_code == 302 and done["Location"].endswith(f"/console/cases/{case.ticket}/")
    number = Petition.objects.get(source_case=case).number
    assert number in operator.get(f"/console/cases/{case.ticket}/").content.decode()
    assert _client(world["dispatcher"]).get(f"/petitions/from-case/{case.ticket}/").status_code == 404
