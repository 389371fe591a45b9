"""Administration data as spreadsheets: exports with Chinese headers, imports that name every bad
row by number and reason and write nothing then, in one transaction, audited, and open to the
system administrator only."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from finegrid.cases.models import CalendarDay, Category, CategoryRule
from finegrid.core.models import AuditEntry
from finegrid.grid.models import Grid
from finegrid.org.models import Person, Responsibility, RoleAssignment, Unit


def _csv(text: str, name="data.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8-sig"), content_type="text/csv")


def _import(client, sheet, upload):
    return client.post(reverse("console:admin_import", args=[sheet]), {"file": upload})


def _export(client, sheet, fmt="csv") -> str:
    response = client.get(reverse("console:admin_export", args=[sheet]), {"format": fmt})
    return b"".join(response.streaming_content).decode("utf-8-sig") if fmt == "csv" else response.content


@pytest.fixture
def admin(client, world):
    client.force_login(world["admin"])
    return client


def test_units_export_in_chinese_and_import_back(admin, world):
    text = _export(admin, "units")
    assert text.splitlines()[0].startswith("单位编码,名称,简称,类型")
    assert "cgj,区城市管理局" in text
    edited = text.replace("区城市管理局", "区城市管理局（综合执法局）")
    response = _import(admin, "units", _csv(edited))
    assert "导入" in response.content.decode()
    assert Unit.objects.get(code="cgj").name == "区城市管理局（综合执法局）"
    assert AuditEntry.objects.filter(action="admin_import", target="units", actor=world["admin"]).exists()


def test_an_xlsx_export_imports_back_unchanged(admin, world):
    data = _export(admin, "units", "xlsx")
    assert load_workbook(io.BytesIO(data)).worksheets[0]["A1"].value == "单位编码"
    upload = SimpleUploadedFile("units.xlsx", data)
    _import(admin, "units", upload)
    assert Unit.objects.count() == 2


def test_bad_rows_are_named_and_nothing_is_written(admin, world):
    upload = _csv("单位编码,名称,类型,上级单位编码\n"
                  "hbj,区生态环境局,区直部门,\n"
                  "sw,区水务局,水务公司,\n"
                  "jtj,区交通运输局,区直部门,nosuch\n")
    page = _import(admin, "units", upload).content.decode()
    assert not Unit.objects.filter(code="hbj").exists()
    rows = page[page.index("import-errors"):]
    assert '<td class="num">3</td>' in rows and "水务公司" in rows
    assert '<td class="num">4</td>' in rows and "nosuch" in rows
    assert '<td class="num">2</td>' not in rows


def test_a_file_without_the_required_columns_is_refused(admin, world):
    page = _import(admin, "units", _csv("code,名称\ncgj,城管\n")).content.decode()
    assert "类型" in page and Unit.objects.get(code="cgj").name == "区城市管理局"


def test_a_file_that_is_not_a_table_is_refused(admin, world):
    upload = SimpleUploadedFile("units.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe", content_type="text/csv")
    assert "CSV" in _import(admin, "units", upload).content.decode()


def test_people_and_roles_import(admin, world):
    Person.objects.create(user=world["handler_cgj"], full_name="李四", phone="13900001111")
    upload = _csv("用户名,姓名,电话,所属单位编码,角色,区域编码,网格编码,角色所属单位编码\n"
                  "gw_new,张三,13800002222,,网格员,,321002001001001;321002001001002,\n"
                  "handler_cgj,李四,139****1111,cgj,处置人员,,,cgj\n")
    response = _import(admin, "people", upload)
    assert "msg-success" in response.content.decode(), response.content.decode()[:3000]
    new = Person.objects.get(user__username="gw_new")
    assert new.full_name == "张三" and not new.user.has_usable_password()
    assert sorted(RoleAssignment.objects.get(user=new.user).grids.values_list("code", flat=True)) == [
        "321002001001001", "321002001001002"]
    assert Person.objects.get(user=world["handler_cgj"]).phone == "13900001111"  # the masked phone kept it


def test_an_import_never_grants_the_three_administrators_roles(admin, world):
    upload = _csv("用户名,姓名,角色\nmallory,马六,审计员\n")
    page = _import(admin, "people", upload).content.decode()
    assert "三员" in page and not RoleAssignment.objects.filter(user__username="mallory").exists()


def test_people_export_masks_phones(admin, world):
    Person.objects.create(user=world["operator"], full_name="王五", phone="13800005678")
    text = _export(admin, "people")
    assert "138****5678" in text and "13800005678" not in text


def test_a_changed_time_limit_is_a_new_rule_version(admin, world):
    text = _export(admin, "categories")
    assert "C0101,上水井盖,1,缺失、移位,4工作时" in text
    _import(admin, "categories", _csv(text.replace("4工作时", "2工作时")))
    rules = CategoryRule.objects.filter(category__code="C0101").order_by("version")
    assert [r.version for r in rules] == [1, 2] and rules[1].conditions.get().limit_value == 2
    _import(admin, "categories", _csv(_export(admin, "categories")))  # the same again: nothing new
    assert CategoryRule.objects.filter(category__code="C0101").count() == 2


def test_a_bad_time_limit_is_reported(admin, world):
    text = _export(admin, "categories").replace("4工作时", "尽快")
    page = _import(admin, "categories", _csv(text)).content.decode()
    assert '<td class="num">2</td>' in page and CategoryRule.objects.count() == 1


def test_calendar_import(admin, world):
    page = _import(admin, "calendar", _csv("日期,类型,名称\n2027-01-01,节假日,元旦\n2027-13-01,节假日,错\n")).content.decode()
    assert '<td class="num">3</td>' in page and not CalendarDay.objects.filter(date="2027-01-01").exists()
    _import(admin, "calendar", _csv("日期,类型,名称\n2027-01-01,holiday,元旦\n"))
    assert CalendarDay.objects.get(date="2027-01-01").name == "元旦"


def test_matrix_import(admin, world):
    upload = _csv("类别编码,区域编码,单位编码,主责,备注\nC0101,321002001,cgj,是,街道井盖\nC0101,321002001,nosuch,是,\n")
    page = _import(admin, "matrix", upload).content.decode()
    assert "nosuch" in page and not Responsibility.objects.exists()
    _import(admin, "matrix", _csv("类别编码,区域编码,单位编码,主责\nC0101,321002001,cgj,是\n"))
    assert Responsibility.objects.get().unit == world["cgj"]
    assert "C0101,321002001,cgj,是" in _export(admin, "matrix")


def test_grid_attributes_import_and_new_grids_need_a_boundary(admin, world):
    text = _export(admin, "grids")
    _import(admin, "grids", _csv(text.replace("第1网格", "东关第一网格", 1)))
    assert Grid.objects.filter(name="东关第一网格").count() == 1
    page = _import(admin, "grids", _csv("网格编码,名称\n321002009009009,新网格\n")).content.decode()
    assert "GeoJSON" in page and not Grid.objects.filter(code="321002009009009").exists()


@pytest.mark.parametrize("who", ["secadmin", "auditor", "operator", "leader"])
def test_only_the_system_administrator_imports_and_exports(client, world, who):
    client.force_login(world[who])
    assert client.get(reverse("console:admin_export", args=["people"])).status_code == 404
    assert _import(client, "units", _csv("单位编码,名称,类型\nx,x,区直部门\n")).status_code == 404
    assert not Unit.objects.filter(code="x").exists()


def test_unknown_sheet_is_404(admin, world):
    assert admin.get(reverse("console:admin_export", args=["secrets"])).status_code == 404
    assert Category.objects.exists()


def test_an_import_never_touches_an_administrators_account(admin, world):
    page = _import(admin, "people", _csv("用户名,姓名,角色,启用\nsecadmin,某人,受理员,否\n")).content.decode()
    assert "三员" in page
    world["secadmin"].refresh_from_db()
    assert world["secadmin"].is_active and not RoleAssignment.objects.filter(user=world["secadmin"], role="operator")
    assert "secadmin" not in _export(admin, "people")


def test_an_import_never_gives_a_superuser_a_business_role(admin, world):
    """createsuperuser's account holds no role, yet it is a system administrator (三员): an import
    must not make it an operator, nor switch it off."""
    page = _import(admin, "people", _csv("用户名,姓名,角色,启用\nroot,某人,受理员,否\n")).content.decode()
    assert "三员" in page
    world["superuser"].refresh_from_db()
    assert world["superuser"].is_active and not RoleAssignment.objects.filter(user=world["superuser"]).exists()
