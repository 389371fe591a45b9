"""Residents close the loop (issue 15, item 3) and the questions a dispatcher needs (item 11): the
public home, photos kept after a refused report, the unit's reply and after-photos on the track
page, media_url, the paged extended listing, and the default catalogue's questions at work."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from finegrid.cases.catalogue import load_catalogue
from finegrid.cases.models import Case
from finegrid.cases.tests.factories import image_bytes
from finegrid.cases.workflow import perform
from finegrid.intake.models import Question
from finegrid.intake.questions import QuestionsError, load_questions

from .conftest import GRID_A

PNG = image_bytes()
V2 = "/open311/v2"


def _photo(name="p.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def _report(client, **change):
    form = {"category": "E0101", "description": "楼道堆满垃圾", "lon": GRID_A[0], "lat": GRID_A[1],
            "name": "王芳", "phone": "13800005678", "key": "k-1"}
    return client.post("/report/", {**form, **change})


# ── the public home ───────────────────────────────────────────────────────────────────────────


def test_visitors_get_a_public_home_and_staff_their_grid_map(client, catalogue):
    page = client.get("/")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'href="/report/"' in text and 'href="/track/"' in text and 'href="/accounts/login/"' in text
    client.force_login(catalogue["worker_a"])
    assert "go-report" not in client.get("/").content.decode()  # the grid home, as before


# ── photos kept after a refused report ─────────────────────────────────────────────────────────


def test_a_refused_report_keeps_its_photos_for_the_next_try(client, catalogue):
    refused = client.post("/report/", {"category": "E0101", "description": "", "lon": GRID_A[0], "lat": GRID_A[1],
                                       "key": "k-1", "photos": [_photo()]})
    assert refused.status_code == 400
    names = client.session["held_photos"]
    assert len(names) == 1 and f'value="{names[0]}"' in refused.content.decode()
    assert client.get(f"/report/held/{names[0]}/").status_code == 200
    assert Client().get(f"/report/held/{names[0]}/").status_code == 404  # another session sees nothing
    taken = _report(client, held=names[0])
    assert taken.status_code == 302
    case = Case.objects.get()
    assert case.evidence.count() == 1 and client.session["held_photos"] == []


def test_a_name_the_session_does_not_hold_is_never_opened(client, catalogue):
    _report(client, held="../../settings.py")
    assert Case.objects.get().evidence.count() == 0


# ── the track page: the unit's reply and the photos a resident may see ───────────────────────


def _handled(client, catalogue):
    from finegrid.conftest import make_user
    from finegrid.grid.models import Region
    from finegrid.org.models import Role, Unit

    _report(client, category="C0101", photos=[_photo("before.png")], **{"attribute[depth]": "3"})
    case = Case.objects.get()
    operator = make_user("op", Role.OPERATOR)
    unit = Unit.objects.create(code="u1", name="区城管局", kind="department", region=Region.objects.get(code="321002"))
    if case.state == "accepted":
        perform(case, "dispatch", operator, unit=unit)
    handler = make_user("handler_u1", Role.HANDLER, unit=unit)
    perform(case, "report_done", handler, reason="已更换井盖，现场已清理", evidence=[_photo("after.png")])
    return case


def test_the_track_page_shows_the_units_reply_and_its_after_photos(client, catalogue):
    case = _handled(client, catalogue)
    page = client.get(f"/track/{case.ticket}/").content.decode()
    assert "已更换井盖，现场已清理" in page and "区城管局" in page
    before, after = case.evidence.order_by("pk")
    for photo in (before, after):
        assert f"/track/{case.ticket}/photos/{photo.pk}/" in page
        assert client.get(f"/track/{case.ticket}/photos/{photo.pk}/").status_code == 200
    assert Client().get(f"/track/{case.ticket}/photos/{after.pk}/").status_code == 404


def test_a_photo_taken_inside_is_not_shown_to_the_resident(client, catalogue):
    from finegrid.cases.evidence import attach

    case = _handled(client, catalogue)
    inside = attach(case, case.transitions.get(action="dispatch"), [_photo("inside.png")])[0]
    assert f"/photos/{inside.pk}/" not in client.get(f"/track/{case.ticket}/").content.decode()
    assert client.get(f"/track/{case.ticket}/photos/{inside.pk}/").status_code == 404


# ── Open311: media_url and pages ──────────────────────────────────────────────────────────────


def test_media_url_names_the_cases_photo_under_the_consoles_rules(client, catalogue):
    _report(client, photos=[_photo()])
    case = Case.objects.get()
    photo = case.evidence.get()
    row = json.loads(client.get(f"{V2}/requests/{case.ticket}.json").content)[0]
    assert row["media_url"] == f"http://testserver/console/cases/{case.ticket}/photos/{photo.pk}/"
    listed = json.loads(client.get(f"{V2}/requests.json").content)[0]
    assert listed["media_url"] == row["media_url"]
    assert Client().get(row["media_url"]).status_code in (302, 403, 404)  # not to the public


def test_the_extended_listing_comes_in_pages_with_a_link_to_the_next(client, catalogue):
    from finegrid.intake.open311 import queries

    for n in range(3):
        _report(client, key=f"k-{n}", phone=f"1380000{n:04d}")
    queries_page = queries.EXTENDED_PAGE
    queries.EXTENDED_PAGE = 2
    try:
        first = client.get(f"{V2}/requests.json", {"extensions": "true"})
        rest = client.get(f"{V2}/requests.json", {"extensions": "true", "page": "2"})
    finally:
        queries.EXTENDED_PAGE = queries_page
    assert len(json.loads(first.content)) == 2 and 'page=2>; rel="next"' in first["Link"]
    assert len(json.loads(rest.content)) == 1 and not rest.has_header("Link")
    assert len(json.loads(client.get(f"{V2}/requests.json").content)) == 3  # without extensions: 1,000 a page


# ── the classifier's suggestion for the picker ────────────────────────────────────────────────


def test_the_picker_suggests_categories_residents_may_choose(client, catalogue):
    answer = json.loads(client.post("/report/suggest/", {"description": "小区门口的上水井盖不见了"}).content)
    codes = [s["code"] for s in answer["suggestions"]]
    assert codes and codes[0] == "C0101"
    assert json.loads(client.post("/report/suggest/", {"description": ""}).content) == {"suggestions": []}
    assert client.get("/report/suggest/").status_code == 405


# ── the default catalogue's questions ─────────────────────────────────────────────────────────


@pytest.fixture
def shipped(people):
    """finegrid's own catalogue and questions, loaded as `seed-demo` loads them."""
    load_catalogue()
    load_questions()
    return people


def test_the_default_questions_load_once(shipped):
    asked = Question.objects.filter(category__code="C0137")
    assert {q.code for q in asked} == {"pole", "fault", "count"}
    assert asked.get(code="fault").required
    assert load_questions()["questions"] == 0  # idempotent: nothing changes the second time


def test_a_question_naming_a_condition_the_rule_lacks_refuses_the_file(shipped, tmp_path):
    bad = {"version": 2, "questions": [{"categories": ["C0137"], "code": "x", "datatype": "singlevaluelist",
                                        "description": "?", "values": [{"key": "a", "name": "A", "condition": "没有的条件"}]}]}
    path = tmp_path / "q.json"
    path.write_text(json.dumps(bad, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(QuestionsError, match="没有的条件"):
        load_questions(path)


def test_open311_defines_the_lamps_questions_and_refuses_a_missing_answer(shipped):
    from finegrid.intake.keys import issue_key

    client = Client()
    services = {s["service_code"]: s for s in json.loads(client.get(f"{V2}/services.json").content)}
    assert services["C0137"]["metadata"] is True and services["E0406"]["metadata"] is True
    definition = json.loads(client.get(f"{V2}/services/C0137.json").content)
    fault = next(a for a in definition["attributes"] if a["code"] == "fault")
    assert fault["required"] and {v["key"] for v in fault["values"]} >= {"dark", "always_on", "flickering"}
    _record, key = issue_key("app")
    refused = client.post(f"{V2}/requests.json", {"api_key": key, "service_code": "C0137", "lat": GRID_A[1],
                                                  "long": GRID_A[0], "description": "路灯坏了"})
    assert refused.status_code == 400 and "attribute[fault]" in refused.content.decode()


def _patrol(worker, category, **answers):
    client = Client()
    client.force_login(worker)
    form = {"category": category, "description": "巡查发现", "lon": GRID_A[0], "lat": GRID_A[1], "key": category}
    response = client.post("/patrol/reports/", {**form, **{f"attribute[{k}]": v for k, v in answers.items()}})
    assert response.status_code == 201, response.content
    return Case.objects.get(ticket=json.loads(response.content)["ticket"])


def test_a_missing_manhole_cover_is_urgent_and_a_lamp_always_on_gets_its_condition(shipped):
    cover = _patrol(shipped["worker_a"], "C0101", state="missing")
    assert cover.urgency == "2h" and cover.condition.text.startswith("缺失")
    lamp = _patrol(shipped["worker_a"], "C0137", fault="always_on", pole="GL-0231")
    assert lamp.urgency == "" and lamp.condition.text == "未按规定时间启闭"
    assert lamp.limit_value == 2 and lamp.limit_kind == "work_hours"
    broken = _patrol(shipped["worker_a"], "C0102", state="cracked")
    assert broken.urgency == "" and broken.condition.text == "破损超过25cm²"


def test_the_staff_case_page_shows_the_answers(shipped):
    from finegrid.conftest import make_user
    from finegrid.org.models import Role

    lamp = _patrol(shipped["worker_a"], "C0137", fault="flickering", pole="GL-0231")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(make_user("op", Role.OPERATOR))
    page = client.get(f"/console/cases/{lamp.ticket}/").content.decode()
    assert "灯杆编号" in page and "GL-0231" in page and "忽明忽暗、闪烁" in page


def test_the_classifier_reads_the_answers_words(shipped):
    from finegrid.intake.answers import classify_text

    lamp = _patrol(shipped["worker_a"], "C0137", fault="dark")
    assert classify_text(lamp) == "巡查发现 路灯是什么情况？ 不亮"


# ── the patrol page's quick picks ─────────────────────────────────────────────────────────────


def test_the_patrol_quick_picks_start_with_the_workers_own_most_used(shipped):
    from finegrid.intake.patrol import quick_categories, quick_picks

    for n in range(2):
        _patrol(shipped["worker_a"], "E0406", when="night") if n == 0 else None
    for key in ("a", "b"):
        client = Client()
        client.force_login(shipped["worker_a"])
        client.post("/patrol/reports/", {"category": "C0137", "description": "路灯", "lon": GRID_A[0],
                                         "lat": GRID_A[1], "key": key, "attribute[fault]": "dark"})
    picks = [c.code for c in quick_picks(shipped["worker_a"], quick_categories())]
    assert picks[:2] == ["C0137", "E0406"] and len(picks) == 12
    fresh = [c.code for c in quick_picks(shipped["worker_b"], quick_categories())]
    assert fresh[:2] == ["C0137", "E0406"]  # the district's patrols' most used, for one with none of their own


def test_an_unticked_photo_is_left_out_and_a_new_one_added(client, catalogue):
    client.post("/report/", {"category": "E0101", "description": "", "lon": GRID_A[0], "lat": GRID_A[1],
                             "key": "k-1", "photos": [_photo("a.png")]})
    first = client.session["held_photos"][0]
    again = client.post("/report/", {"category": "E0101", "description": "", "lon": GRID_A[0], "lat": GRID_A[1],
                                     "key": "k-1", "photos": [_photo("b.png")]})  # the first unticked
    page = again.content.decode()
    assert f'value="{first}"' not in page and page.count('name="held"') == 1
