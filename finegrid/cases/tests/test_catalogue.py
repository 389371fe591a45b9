import json
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from finegrid.cases.calendar import Limit, LimitKind, parse_limit
from finegrid.cases.catalogue import (
    CatalogueError, condition_for, current_rule, leaf_for, load_catalogue, revise_rule,
)
from finegrid.cases.models import AcceptanceCondition, Category, CategoryRule
from finegrid.core.models import AuditEntry


def node(code, parent, level, **rule):
    out = {"code": code, "name": f"类{code}", "domain": "event", "parent": parent, "level": level, "public": True}
    if level == 2:
        conditions = rule.pop("conditions", [{"text": "路面坑洼", "limit": "3工作日"}])
        out["rule"] = {"unit_kind": "street", "verify": True, "check": True, "closing": "修复", **rule}
        out["rule"]["conditions"] = conditions
    return out


def write(tmp_path, nodes, name="catalogue.json"):
    path = tmp_path / name
    path.write_text(json.dumps(nodes, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def small(tmp_path):
    conditions = [{"text": "影响通行安全", "limit": "2紧急工作时"}, {"text": "一般破损", "limit": "5工作日"}]
    return write(tmp_path, [node("E", None, 0), node("E01", "E", 1), node("E0101", "E01", 2, conditions=conditions)])


@pytest.fixture
def admin_client(client, db):
    client.force_login(get_user_model().objects.create_superuser("root", password="Test-password-1"))
    return client


def snapshot(rule):
    rule.refresh_from_db()
    fields = (rule.version, rule.unit_kind, rule.verify_required, rule.check_required, rule.closing_condition)
    return fields, list(rule.conditions.values_list("seq", "text", "limit_value", "limit_kind"))


# --- the default catalogue ------------------------------------------------------------------


def test_default_catalogue_loads_every_domain_with_a_rule_on_every_leaf(db, django_assert_max_num_queries):
    with django_assert_max_num_queries(25):  # bulk inserts (20 today), not one query per node
        counts = load_catalogue()
    roots = Category.objects.filter(level=0)
    assert {(c.code, c.domain) for c in roots} == {
        ("C", "component"), ("E", "event"), ("H", "hotline"), ("S", "social"),
        ("A", "sensor"), ("B", "enterprise"), ("X", "emergency"),
    }
    leaves = Category.objects.filter(level=2)
    assert counts["categories"] == Category.objects.count() > 400
    assert counts["rules"] == leaves.count() == CategoryRule.objects.filter(version=1).count()
    assert not leaves.filter(rules__isnull=True).exists()
    assert not CategoryRule.objects.filter(conditions__isnull=True).exists()
    for leaf in leaves.select_related("parent"):
        assert leaf.code.startswith(leaf.parent.code) and leaf.parent.level == 1


def test_default_catalogue_has_the_fifteen_hotline_topics_at_seven_days(db):
    load_catalogue()
    topics = Category.objects.filter(domain="hotline", level=1)
    assert [t.code for t in topics] == [f"H{i:02d}" for i in range(1, 16)]
    assert topics.get(code="H01").name == "城乡建设"
    assert all(t.children.exists() for t in topics)
    rule = current_rule(Category.objects.get(code="H0101"))
    assert (rule.verify_required, rule.check_required) == (False, False)
    condition = condition_for(rule)
    assert (condition.text, condition.limit_value, condition.limit_kind) == ("市民诉求属于本类", 7, "calendar_days")


def test_default_components_and_events_keep_several_conditions_with_their_own_limits(db):
    load_catalogue()
    manhole = current_rule(leaf_for("C0101"))  # 上水井盖
    limits = [(c.limit_value, c.limit_kind) for c in manhole.conditions.all()]
    assert limits == [(2, "urgent_hours"), (4, "work_hours"), (2, "work_days"), (5, "work_days")]
    assert manhole.closing_condition == "恢复；更换或修复；修复"  # distinct closing texts, in order
    building = current_rule(leaf_for("E0101"))  # 私搭乱建: stopped at once, demolished by procedure
    limits = [(c.limit_value, c.limit_kind) for c in building.conditions.all()]
    assert limits == [(2, "calendar_days"), (15, "work_days")]
    several = CategoryRule.objects.filter(category__domain__in=["component", "event"], conditions__seq=2)
    assert several.count() > 100


def test_default_catalogue_maps_units_to_kinds_and_keeps_sensitive_domains_private(db):
    load_catalogue()
    kinds = set(CategoryRule.objects.values_list("unit_kind", flat=True))
    assert kinds == {"department", "street", "community", "property"}
    assert not Category.objects.filter(domain="sensor", public=True).exists()
    assert not Category.objects.get(code="S03").public  # 特殊人群: records about named people
    assert all(c.keywords for c in Category.objects.filter(level=2, domain__in=["component", "event"]))


# --- loading --------------------------------------------------------------------------------


def test_loading_twice_creates_nothing(db, small):
    first = load_catalogue(small)
    audits = AuditEntry.objects.count()
    second = load_catalogue(small)
    assert first == {"categories": 3, "rules": 1, "conditions": 2, "existing": 0}
    assert second == {"categories": 0, "rules": 0, "conditions": 0, "existing": 3}
    assert (Category.objects.count(), CategoryRule.objects.count(), AuditEntry.objects.count()) == (3, 1, audits)


def test_loading_again_keeps_an_administrators_changes(db, small):
    load_catalogue(small)
    Category.objects.filter(code="E0101").update(name="道路破损（改名）")
    revise_rule(leaf_for("E0101"), None, closing="修复并恢复通行")
    load_catalogue(small)
    assert leaf_for("E0101").name == "道路破损（改名）"
    assert list(CategoryRule.objects.values_list("version", flat=True)) == [2, 1]


def test_loading_adds_missing_leaves_under_stored_parents_and_rules_to_bare_leaves(db, small, tmp_path):
    load_catalogue(small)
    parent = Category.objects.get(code="E01")
    bare = Category.objects.create(code="E0102", name="手工添加", domain="event", parent=parent, level=2)
    more = write(tmp_path, [node("E0102", "E01", 2), node("E0103", "E01", 2)], "more.json")
    counts = load_catalogue(more)
    assert counts == {"categories": 1, "rules": 2, "conditions": 2, "existing": 1}
    assert current_rule(bare).version == 1 and leaf_for("E0103").parent.code == "E01"


@pytest.mark.parametrize(
    "bad, message",
    [
        (node("E0102", "E09", 2), "E0102: unknown parent 'E09'"),
        (node("E0101", "E01", 2), "E0101: duplicate code"),
        (node("E0102", "E01", 2, conditions=[{"text": "x", "limit": "3个月"}]), "E0102: cannot read a time limit"),
        (node("E0102", "E01", 2, conditions=[]), "E0102: a rule needs at least one condition"),
        (node("E02", "E01", 2), "E02: code does not start"),
        (node("E0102", "E", 2), "E0102: parent E is not one level up"),
        ({**node("E0102", "E01", 2), "domain": "weather"}, "E0102: unknown domain"),
        ({k: v for k, v in node("E0102", "E01", 2).items() if k != "rule"}, "E0102: a leaf (level 2) needs a rule"),
    ],
)
def test_a_bad_file_writes_nothing_and_names_the_node(db, tmp_path, bad, message):
    good = [node("E", None, 0), node("E01", "E", 1), node("E0101", "E01", 2)]
    with pytest.raises(CatalogueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_catalogue(write(tmp_path, [*good, bad]))
    assert not Category.objects.exists() and not AuditEntry.objects.exists()


def test_a_file_that_is_not_json_is_refused_with_its_name(db, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("[{", encoding="utf-8")
    with pytest.raises(CatalogueError, match="broken.json"):
        load_catalogue(path)


def test_limits_read_the_file_spellings_including_calendar_days():
    assert parse_limit("60自然日") == Limit(60, LimitKind.CALENDAR_DAYS)
    assert parse_limit("4工作时") == Limit(4, LimitKind.WORK_HOURS)
    assert parse_limit(str(Limit(7, LimitKind.CALENDAR_DAYS))) == Limit(7, LimitKind.CALENDAR_DAYS)


def test_load_catalogue_command_prints_the_counts(db, small):
    out = StringIO()
    call_command("load_catalogue", str(small), stdout=out)
    assert "3 categories, 1 rules and 2 conditions created; 0 categories already there" in out.getvalue()
    assert AuditEntry.objects.get(action="catalogue.load").actor_label == "cli"


def test_load_catalogue_command_reports_a_bad_file(db, tmp_path):
    with pytest.raises(CommandError, match="E01: unknown parent"):
        call_command("load_catalogue", str(write(tmp_path, [node("E01", "E", 1)])))


# --- versions -------------------------------------------------------------------------------


def test_revise_rule_writes_version_2_and_leaves_version_1_as_it_was(db, small):
    load_catalogue(small)
    leaf = leaf_for("E0101")
    first = current_rule(leaf)
    before = snapshot(first)
    second = revise_rule(leaf, None, conditions=[("路面塌陷", "1紧急工作时")], verify=False)
    assert snapshot(first) == before
    assert (second.version, second.verify_required, second.check_required) == (2, False, True)
    assert (second.unit_kind, second.closing_condition) == ("street", "修复")  # unchanged values are copied
    conditions = second.conditions.values_list("seq", "text", "limit_value", "limit_kind")
    assert list(conditions) == [(1, "路面塌陷", 1, "urgent_hours")]
    assert current_rule(leaf) == second
    entry = AuditEntry.objects.get(action="catalogue.revise")
    assert (entry.target, entry.detail) == ("E0101", {"version": 2})


def test_revise_rule_copies_the_conditions_when_only_the_closing_changes(db, small):
    load_catalogue(small)
    second = revise_rule(leaf_for("E0101"), None, closing="修复并恢复通行")
    assert list(second.conditions.values_list("text", "limit_value", "limit_kind")) == [
        ("影响通行安全", 2, "urgent_hours"), ("一般破损", 5, "work_days"),
    ]
    assert AcceptanceCondition.objects.count() == 4


def test_revise_rule_refuses_a_non_leaf_and_an_empty_rule(db, small):
    load_catalogue(small)
    with pytest.raises(ValueError, match="not a leaf"):
        revise_rule(Category.objects.get(code="E01"), None, closing="x")
    with pytest.raises(ValueError, match="at least one condition"):
        revise_rule(leaf_for("E0101"), None, conditions=[])
    assert CategoryRule.objects.count() == 1


def test_leaf_for_finds_only_active_leaves_and_condition_for_matches_text(db, small):
    load_catalogue(small)
    assert leaf_for("E01") is None and leaf_for("E9999") is None
    rule = current_rule(leaf_for("E0101"))
    assert condition_for(rule).text == "影响通行安全"
    assert condition_for(rule, "一般破损").limit_kind == "work_days"
    assert condition_for(rule, "没有这一条") is None
    Category.objects.filter(code="E0101").update(active=False)
    assert leaf_for("E0101") is None


# --- the admin ------------------------------------------------------------------------------


def rule_form(rule, **changes):
    """The change form of `rule` as the admin posts it, its conditions as inline rows."""
    conditions = list(rule.conditions.all())
    data = {
        "unit_kind": rule.unit_kind, "closing_condition": rule.closing_condition,
        "conditions-TOTAL_FORMS": str(len(conditions)), "conditions-INITIAL_FORMS": str(len(conditions)),
        "conditions-MIN_NUM_FORMS": "1", "conditions-MAX_NUM_FORMS": "1000",
    }
    data.update({"verify_required": "on"} if rule.verify_required else {})
    data.update({"check_required": "on"} if rule.check_required else {})
    for i, c in enumerate(conditions):
        data.update({
            f"conditions-{i}-id": str(c.pk), f"conditions-{i}-rule": str(rule.pk), f"conditions-{i}-text": c.text,
            f"conditions-{i}-limit_value": str(c.limit_value), f"conditions-{i}-limit_kind": c.limit_kind,
        })
    data.update(changes)
    return data


def test_an_admin_edit_writes_a_new_version_and_leaves_the_old_one(admin_client, small):
    load_catalogue(small)
    first = current_rule(leaf_for("E0101"))
    before = snapshot(first)
    url = f"/admin/cases/categoryrule/{first.pk}/change/"
    edits = {"conditions-1-limit_value": "3", "closing_condition": "修复到位"}
    response = admin_client.post(url, rule_form(first, **edits))
    assert response.status_code == 302
    assert snapshot(first) == before
    second = current_rule(leaf_for("E0101"))
    assert (second.version, second.closing_condition, second.created_by.username) == (2, "修复到位", "root")
    assert list(second.conditions.values_list("limit_value", flat=True)) == [2, 3]
    assert AuditEntry.objects.filter(action="catalogue.revise", actor__username="root").count() == 1


def test_an_admin_save_without_edits_writes_no_version(admin_client, small):
    load_catalogue(small)
    first = current_rule(leaf_for("E0101"))
    response = admin_client.post(f"/admin/cases/categoryrule/{first.pk}/change/", rule_form(first))
    assert response.status_code == 302 and CategoryRule.objects.count() == 1


def test_an_admin_edit_deleting_a_condition_and_continuing_lands_on_the_new_version(admin_client, small):
    load_catalogue(small)
    first = current_rule(leaf_for("E0101"))
    data = rule_form(first, **{"conditions-1-DELETE": "on", "_continue": "1"})
    response = admin_client.post(f"/admin/cases/categoryrule/{first.pk}/change/", data)
    second = current_rule(leaf_for("E0101"))
    assert response["Location"] == f"/admin/cases/categoryrule/{second.pk}/change/"
    assert list(second.conditions.values_list("text", flat=True)) == ["影响通行安全"]
    assert first.conditions.count() == 2


def test_an_admin_edit_with_a_zero_limit_is_refused(admin_client, small):
    load_catalogue(small)
    first = current_rule(leaf_for("E0101"))
    data = rule_form(first, **{"conditions-0-limit_value": "0"})
    response = admin_client.post(f"/admin/cases/categoryrule/{first.pk}/change/", data)
    assert response.status_code == 200 and CategoryRule.objects.count() == 1


def test_adding_a_rule_by_hand_gets_the_next_version(admin_client, small):
    load_catalogue(small)
    leaf = leaf_for("E0101")
    data = {
        "category": str(leaf.pk), "unit_kind": "department", "closing_condition": "处置完毕", "check_required": "on",
        "conditions-TOTAL_FORMS": "1", "conditions-INITIAL_FORMS": "0", "conditions-MIN_NUM_FORMS": "1",
        "conditions-MAX_NUM_FORMS": "1000", "conditions-0-text": "新条件", "conditions-0-limit_value": "4",
        "conditions-0-limit_kind": "work_hours",
    }
    response = admin_client.post("/admin/cases/categoryrule/add/", data)
    assert response.status_code == 302
    rule = current_rule(leaf)
    assert (rule.version, rule.unit_kind, rule.verify_required) == (2, "department", False)
    assert list(rule.conditions.values_list("text", "limit_kind")) == [("新条件", "work_hours")]


def test_adding_a_rule_to_a_non_leaf_is_refused(admin_client, small):
    load_catalogue(small)
    data = {
        "category": str(Category.objects.get(code="E01").pk), "unit_kind": "", "closing_condition": "",
        "conditions-TOTAL_FORMS": "1", "conditions-INITIAL_FORMS": "0", "conditions-MIN_NUM_FORMS": "1",
        "conditions-MAX_NUM_FORMS": "1000", "conditions-0-text": "x", "conditions-0-limit_value": "1",
        "conditions-0-limit_kind": "work_days",
    }
    response = admin_client.post("/admin/cases/categoryrule/add/", data)
    assert response.status_code == 200 and CategoryRule.objects.count() == 1


def test_admin_pages_show_the_catalogue_and_fix_a_category_code(admin_client, small):
    load_catalogue(small)
    leaf = leaf_for("E0101")
    for url in [
        "/admin/cases/category/", "/admin/cases/category/?domain__exact=event&level__exact=2",
        "/admin/cases/category/?q=E01", f"/admin/cases/category/{leaf.pk}/change/", "/admin/cases/categoryrule/",
        f"/admin/cases/categoryrule/{current_rule(leaf).pk}/change/",
        "/admin/cases/categoryrule/add/", "/admin/cases/calendarday/", "/admin/cases/calendaryear/",
        "/admin/cases/workingperiod/", "/admin/cases/indicatorweight/",
    ]:
        assert admin_client.get(url).status_code == 200, url
    page = admin_client.get(f"/admin/cases/category/{leaf.pk}/change/").content.decode()
    assert 'name="code"' not in page and 'name="name"' in page
    assert 'name="code"' in admin_client.get("/admin/cases/category/add/").content.decode()


def test_admin_pages_are_closed_to_staff_without_rights(client, db):
    staff = get_user_model().objects.create_user("clerk", password="Test-password-1", is_staff=True)
    client.force_login(staff)
    assert client.get("/admin/cases/categoryrule/").status_code == 403
