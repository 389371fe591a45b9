"""The 立案/派遣 queue's suggestions: the insight app's category and unit with its confidence,
accepted in one click; an operator's correction stored through insight's correction API; the
matrix's units for accepted cases; and no model ever built inside a page request."""

import re

import pytest
from django.urls import reverse

from finegrid.cases.models import AcceptanceCondition, Case, Category, CategoryRule
from finegrid.cases.workflow import perform
from finegrid.insight import store
from finegrid.insight.corpus import generate
from finegrid.insight.model import LabelModel
from finegrid.insight.models import CaseLabels, Correction
from finegrid.org.models import Region, Responsibility

S = Case.State


@pytest.fixture
def models_folder(settings, tmp_path):
    settings.FINEGRID_INSIGHT_MODELS = str(tmp_path / "models")
    return tmp_path / "models"


def _hotline(code, name):
    root, _ = Category.objects.get_or_create(code="H", defaults={"name": "热线", "domain": "hotline", "level": 0})
    category = Category.objects.create(code=code, name=name, domain="hotline", level=1, parent=root)
    rule = CategoryRule.objects.create(category=category, version=1, verify_required=False, check_required=False)
    AcceptanceCondition.objects.create(rule=rule, seq=1, text="诉求", limit_value=7, limit_kind="work_days")
    return category


@pytest.fixture
def hotline(world):
    return {"H01": _hotline("H01", "城乡建设"), "H04": _hotline("H04", "环境保护")}


def _labelled(case, topic="城乡建设", confidence=0.82, corrected=False):
    CaseLabels.objects.create(case=case, topic=topic, topic_confidence=confidence, request_type="投诉",
                              urgency="一般", corrected=corrected)


def _hint(client, case) -> str:
    return client.get(reverse("console:queue_hint", args=[case.ticket])).content.decode()


def test_without_a_model_the_panel_says_so_and_builds_none(client, world, case_a, models_folder):
    client.force_login(world["operator"])
    page = _hint(client, case_a)
    assert "train --seed" in page
    assert not list(models_folder.glob("*.joblib")) and store.registry()["active"] is None


def test_stored_labels_suggest_category_unit_and_confidence(client, world, hotline, case_a, models_folder):
    Responsibility.objects.create(category_code="H01", region=Region.objects.get(code="321002"), unit=world["zjj"])
    _labelled(case_a)
    client.force_login(world["operator"])
    page = _hint(client, case_a)
    assert "城乡建设" in page and "H01" in page and "82%" in page and "区住房和城乡建设局" in page
    assert 'name="unit" value="zjj"' in page


def test_a_model_on_disk_classifies_the_report(client, world, hotline, models_folder):
    store.save(LabelModel().fit(generate(1500, seed=1)), "seed")
    from finegrid.cases.reporting import open_case

    case = open_case(channel="hotline", title="小区楼道漏水", description="我家楼上漏水，物业不管，楼道天花板都泡坏了",
                     category_code="C0101", lon=119.405, lat=32.415)
    client.force_login(world["operator"])
    page = _hint(client, case)
    assert re.search(r"(confidence|置信度) \d+%", page) and "train --seed" not in page
    assert 'name="category" value="H01"' in page  # a leak upstairs is 城乡建设


def test_one_click_accepts_and_sends_as_suggested(client, world, hotline, case_a):
    client.force_login(world["operator"])
    response = client.post(reverse("console:triage_accept", args=[case_a.ticket]),
                           {"version": case_a.version, "category": "H01", "unit": "zjj"})
    assert response.status_code == 302
    case_a.refresh_from_db()
    assert case_a.state == S.DISPATCHED and case_a.category.code == "H01" and case_a.unit.code == "zjj"
    accept = case_a.transitions.get(action="accept")
    assert accept.data["category"] == "H01" and accept.data["category_before"] == "C0101"
    assert not Correction.objects.exists()


def test_a_correction_goes_to_insight_and_the_case_waits_for_dispatch(client, world, hotline, case_a):
    _labelled(case_a)
    client.force_login(world["operator"])
    client.post(reverse("console:triage_accept", args=[case_a.ticket]),
                {"version": case_a.version, "topic": "环境保护", "suggested_topic": "城乡建设", "unit": "zjj"})
    case_a.refresh_from_db()
    assert case_a.state == S.ACCEPTED and case_a.category.code == "H04" and case_a.unit is None
    correction = Correction.objects.get()
    assert (correction.topic, correction.case_id, correction.by) == ("环境保护", case_a.pk, world["operator"])
    assert CaseLabels.objects.get(case=case_a).corrected
    assert case_a.transitions.get(action="accept").data["corrected"] is True


def test_a_stale_form_changes_nothing(client, world, hotline, case_a):
    client.force_login(world["operator"])
    client.post(reverse("console:triage_accept", args=[case_a.ticket]),
                {"version": case_a.version - 1, "category": "H01", "unit": "zjj"})
    case_a.refresh_from_db()
    assert case_a.state == S.COLLECTED and case_a.category.code == "C0101"


def test_a_failed_accept_keeps_no_correction(client, world, hotline, case_a):
    CategoryRule.objects.filter(category__code="H04").update(verify_required=True)  # needs 核实 first
    client.force_login(world["operator"])
    response = client.post(reverse("console:triage_accept", args=[case_a.ticket]),
                           {"version": case_a.version, "topic": "环境保护", "suggested_topic": "城乡建设"}, follow=True)
    assert "核实" in response.content.decode()
    case_a.refresh_from_db()
    assert case_a.state == S.COLLECTED and case_a.category.code == "C0101" and not Correction.objects.exists()


def test_accepted_case_is_sent_to_a_suggested_unit_in_one_click(client, world, case_a):
    perform(case_a, "accept", world["operator"])
    Responsibility.objects.create(category_code="C01", region=Region.objects.get(code="321002"), unit=world["cgj"])
    client.force_login(world["dispatcher"])
    page = _hint(client, case_a)
    assert "区城市管理局" in page and reverse("console:triage_dispatch", args=[case_a.ticket]) in page
    client.post(reverse("console:triage_dispatch", args=[case_a.ticket]), {"version": case_a.version, "unit": "cgj"})
    case_a.refresh_from_db()
    assert case_a.state == S.DISPATCHED and case_a.unit == world["cgj"]


@pytest.mark.parametrize("who", ["worker_a", "handler_cgj", "resident"])
def test_only_the_command_desk_triages(client, world, hotline, case_a, who):
    client.force_login(world[who])
    assert client.get(reverse("console:queue_hint", args=[case_a.ticket])).status_code == 404
    response = client.post(reverse("console:triage_accept", args=[case_a.ticket]),
                           {"version": case_a.version, "category": "H01"})
    assert response.status_code == 404
    case_a.refresh_from_db()
    assert case_a.state == S.COLLECTED


def test_back_to_another_site_is_refused(client, world, hotline, case_a):
    client.force_login(world["operator"])
    response = client.post(reverse("console:triage_accept", args=[case_a.ticket]),
                           {"version": case_a.version, "category": "H01", "next": "https://evil.example/"})
    assert response["Location"] == reverse("console:queue_named", args=["accept"])


def test_hint_keeps_its_query_count(client, world, hotline, case_a, case_b, django_assert_max_num_queries):
    _labelled(case_a)
    client.force_login(world["operator"])
    _hint(client, case_a)
    # session, user, roles, case, labels, category, matrix, duplicates, the correction form's leaves…
    with django_assert_max_num_queries(11):
        _hint(client, case_a)


def test_a_one_click_accept_is_offered_only_where_it_works_now(client, world, hotline, case_a):
    """A category that needs 核实 first, or has no rule, gets its reason instead of a button."""
    rule = CategoryRule.objects.get(category__code="H01")
    rule.verify_required = True
    rule.save()
    _labelled(case_a)  # suggests H01
    client.force_login(world["operator"])
    page = _hint(client, case_a)
    assert 'name="category" value="H01"' not in page and ("核实" in page)
    perform(case_a, "verify", world["worker_a"])
    page = _hint(client, Case.objects.get(pk=case_a.pk))
    assert 'name="category" value="H01"' in page


def test_a_correction_can_name_any_leaf_searched_for_by_name_or_code(client, world, hotline, case_a):
    """Seen: "更正并立案" offered only the 15 first-level topics. The queue page lists every leaf
    with a rule (its datalist) and the correction posts the chosen leaf's code."""
    _labelled(case_a)
    client.force_login(world["operator"])
    page = client.get(reverse("console:queue_named", args=["accept"])).content.decode()
    assert '<datalist id="leaves">' in page and 'value="C0101"' in page
    client.post(reverse("console:triage_accept", args=[case_a.ticket]),
                {"version": case_a.version, "category": "C0101", "suggested_category": "H01",
                 "suggested_topic": "城乡建设"})
    case_a.refresh_from_db()
    assert case_a.state == S.ACCEPTED and case_a.category.code == "C0101"
    assert case_a.transitions.get(action="accept").data["corrected"] is True


def test_an_empty_correction_is_refused_and_nothing_is_accepted(client, world, hotline, case_a):
    _labelled(case_a)
    client.force_login(world["operator"])
    page = client.post(reverse("console:triage_accept", args=[case_a.ticket]),
                       {"version": case_a.version, "suggested_category": "H01", "suggested_topic": "城乡建设"},
                       follow=True).content.decode()
    assert "请选择要更正为的类别或主题" in page
    case_a.refresh_from_db()
    assert case_a.state == S.COLLECTED


def _main_button(page: str) -> str:
    """The text of the one button of the hint that is not secondary."""
    main = re.findall(r"<button>([^<]*)</button>", page)
    assert len(main) <= 1, main
    return main[0] if main else ""


def test_the_category_the_report_came_with_is_the_main_button(client, world, hotline, case_a):
    """Seen in the demo: a resident's 暴露生活垃圾 was filed by one click under the model's broader
    城市建设和市政管理. The reporter's own category is the main button; the model's is offered beside."""
    own = _hotline("H09", "市容环卫")
    Case.objects.filter(pk=case_a.pk).update(category=own)
    _labelled(case_a, confidence=0.82)
    client.force_login(world["operator"])
    page = _hint(client, case_a)
    assert "市容环卫" in _main_button(page)
    assert 'name="category" value="H01"' in page  # the suggestion, still one click away


def test_an_unsure_suggestion_is_no_main_button(client, world, hotline, case_a):
    Case.objects.filter(pk=case_a.pk).update(category=None)
    _labelled(case_a, confidence=0.05)
    client.force_login(world["operator"])
    page = _hint(client, case_a)
    assert 'name="category" value="H01"' in page and _main_button(page) == ""
