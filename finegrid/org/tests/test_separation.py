"""三员分立 (GB/T 22239-2019): the security administrator and the auditor see no case, area or
sensor data; roles are granted by the security administrator alone, never to oneself; nobody
reaches another administrator's password; a superuser is a system administrator, not a business
actor. The role matrix (finegrid/tests/test_role_matrix.py) walks every URL; these are the
findings of issue 14, one by one."""

import pytest
from django.urls import reverse
from django.utils import timezone

from finegrid.core.models import ApiToken
from finegrid.cases.reporting import open_case
from finegrid.cases.workflow import allowed_actions, perform
from finegrid.org.models import Role, RoleAssignment
from finegrid.org.scopes import scope_of
from finegrid.sensing.models import Alarm
from finegrid.sensing.tests.factories import make_device, make_site

OVERSIGHT = ["secadmin", "auditor"]


@pytest.fixture
def cases(world):
    a = open_case(channel="web", title="井盖缺失", category_code="C0101", lon=119.405, lat=32.415)
    perform(a, "accept", world["operator"])
    perform(a, "dispatch", world["dispatcher"], unit=world["cgj"])
    b = open_case(channel="hotline", title="路灯不亮", category_code="C0101", lon=119.425, lat=32.415)
    return a, b


@pytest.mark.parametrize("who", OVERSIGHT)
def test_oversight_roles_list_no_case_with_their_tokens(client, world, cases, who):
    _, token = ApiToken.issue(ApiToken.Purpose.API, "probe", user=world[who])
    response = client.get("/api/v1/cases", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200 and response.json()["count"] == 0
    detail = client.get(f"/api/v1/cases/{cases[0].ticket}", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert detail.status_code == 404


@pytest.mark.parametrize("who", OVERSIGHT)
def test_oversight_roles_export_no_case_row(client, world, cases, who):
    client.force_login(world[who])
    response = client.get(reverse("console:cases"), {"export": "csv"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert not any(case.ticket in body for case in cases)
    assert client.get(reverse("console:case", args=[cases[0].ticket])).status_code == 404


@pytest.mark.parametrize("who", OVERSIGHT)
def test_oversight_roles_hold_no_area(client, world, who):
    assert scope_of(world[who]).is_empty
    client.force_login(world[who])
    assert client.get(reverse("grid", args=["321002001001001"])).status_code == 404
    assert client.get(reverse("region", args=["321002001"])).status_code == 404


@pytest.mark.parametrize("who,status", [("auditor", 404), ("secadmin", 404), ("resident", 404), ("worker_a", 302)])
def test_only_staff_of_the_alarms_area_acknowledge_it(client, world, who, status):
    site = make_site()
    device = make_device(site)
    now = timezone.now()
    alarm = Alarm.objects.create(site=site, device=device, rule="threshold", area_code=site.area_code, severity=3,
                                 message="CH4 30 %LEL", raised_at=now, updated_at=now)
    client.force_login(world[who])
    assert client.post(reverse("sensing:ack", args=[alarm.pk]), {"comment": "x"}).status_code == status
    alarm.refresh_from_db()
    assert (alarm.acked_by_id == world[who].pk) == (status == 302)


def _grant(client, user, role):
    return client.post(reverse("admin:org_roleassignment_add"), {"user": user.pk, "role": role})


@pytest.mark.parametrize("who", ["admin", "superuser"])
def test_a_system_administrator_grants_itself_no_role(client, world, who):
    client.force_login(world[who])
    assert _grant(client, world[who], Role.AUDITOR).status_code == 403
    assert not RoleAssignment.objects.filter(user=world[who], role=Role.AUDITOR).exists()
    assert client.get(reverse("console:audit")).status_code == 404


def test_the_security_administrator_grants_roles_but_not_to_itself(client, world):
    client.force_login(world["secadmin"])
    assert _grant(client, world["operator"], Role.DISPATCHER).status_code == 302
    assert RoleAssignment.objects.filter(user=world["operator"], role=Role.DISPATCHER).exists()
    response = _grant(client, world["secadmin"], Role.AUDITOR)
    assert response.status_code == 200 and "三员分立" in response.content.decode()
    assert not RoleAssignment.objects.filter(user=world["secadmin"], role=Role.AUDITOR).exists()
    own = RoleAssignment.objects.get(user=world["secadmin"])
    assert client.get(reverse("admin:org_roleassignment_delete", args=[own.pk])).status_code == 403


@pytest.mark.parametrize("target", ["auditor", "secadmin", "superuser"])
def test_nobody_opens_another_administrators_password_form(client, world, target):
    client.force_login(world["admin"])
    url = reverse("admin:auth_user_password_change", args=[world[target].pk])
    assert client.get(url).status_code == 403
    response = client.post(url, {"password1": "Another-pass-9", "password2": "Another-pass-9"})
    assert response.status_code == 403
    world[target].refresh_from_db()
    assert world[target].check_password("Test-password-1")


def test_a_system_administrator_still_resets_a_staff_members_password(client, world):
    client.force_login(world["admin"])
    assert client.get(reverse("admin:auth_user_password_change", args=[world["operator"].pk])).status_code == 200
    assert client.get(reverse("admin:auth_user_password_change", args=[world["admin"].pk])).status_code == 200


def test_a_superuser_is_offered_no_business_action(world, cases):
    """createsuperuser's account is a system administrator (三员分立): it runs the system, not cases."""
    for case in cases:
        assert allowed_actions(case, world["superuser"]) == []
        assert allowed_actions(case, world["admin"]) == []


def test_another_administrators_account_is_read_only_to_the_system_administrator(client, world):
    client.force_login(world["admin"])
    auditor = world["auditor"]
    assert client.get(reverse("admin:auth_user_change", args=[auditor.pk])).status_code == 200  # seen
    switched_off = {"username": "auditor", "date_joined_0": "2026-01-01", "date_joined_1": "08:00:00"}  # no is_active
    assert client.post(reverse("admin:auth_user_change", args=[auditor.pk]), switched_off).status_code == 403
    assert client.post(reverse("admin:auth_user_delete", args=[auditor.pk]), {"post": "yes"}).status_code == 403
    auditor.refresh_from_db()
    assert auditor.is_active


def test_nobody_is_given_the_superuser_flag_in_the_admin(client, world):
    client.force_login(world["admin"])
    operator = world["operator"]
    page = client.get(reverse("admin:auth_user_change", args=[operator.pk])).content.decode()
    assert 'name="is_superuser"' not in page and 'name="user_permissions"' not in page
    client.post(reverse("admin:auth_user_change", args=[operator.pk]),
                {"username": "operator", "is_active": "on", "is_superuser": "on"})
    operator.refresh_from_db()
    assert not operator.is_superuser
