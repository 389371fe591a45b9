"""等保 2.0 level 3 sign-in: password classes, lockout, idle timeout, and an audit log that only
the auditor reads (三员分立)."""

import time

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from finegrid.core.models import AuditEntry
from finegrid.console import middleware, security


def test_password_needs_three_kinds_of_character():
    with pytest.raises(ValidationError):
        validate_password("onlylowercaseletters")
    with pytest.raises(ValidationError):
        validate_password("lowercase123456")
    validate_password("Guangling@2026")  # the demo password: capitals, lower case, digits, a symbol


def _fail(client, username="operator"):
    return client.post(reverse("login"), {"username": username, "password": "wrong-Password-9"})


def test_five_failures_lock_the_account_even_against_the_right_password(client, world):
    for _ in range(security.MAX_FAILURES):
        assert _fail(client).status_code == 200
    response = client.post(reverse("login"), {"username": "operator", "password": "Test-password-1"})
    assert response.status_code == 200 and "锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_admin_sign_in_page_keeps_the_lockout(client, world):
    world["admin"].is_staff = True
    world["admin"].save()
    for _ in range(security.MAX_FAILURES):
        _fail(client, "sysadmin")
    response = client.post(reverse("admin:login"), {"username": "sysadmin", "password": "Test-password-1"})
    assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_security_admin_unlocks_and_the_unlock_is_audited(client, world):
    for _ in range(security.MAX_FAILURES):
        _fail(client)
    client.force_login(world["secadmin"])
    assert "operator" in client.get(reverse("console:security")).content.decode()
    client.post(reverse("console:unlock"), {"username": "operator"})
    client.logout()
    response = client.post(reverse("login"), {"username": "operator", "password": "Test-password-1"})
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="unlock", target="operator", actor=world["secadmin"]).exists()


def test_a_success_resets_the_count(client, world):
    for _ in range(security.MAX_FAILURES - 1):
        _fail(client)
    client.post(reverse("login"), {"username": "operator", "password": "Test-password-1"})
    client.logout()
    _fail(client)
    assert security.locked_until("operator") is None


def test_sign_ins_failures_and_sign_outs_are_audited(client, world):
    _fail(client)
    client.post(reverse("login"), {"username": "operator", "password": "Test-password-1"})
    client.post(reverse("logout"))
    actions = list(AuditEntry.objects.filter(action__in=["login_failed", "login", "logout"])
                   .order_by("pk").values_list("action", "target"))
    assert actions == [("login_failed", "operator"), ("login", "operator"), ("logout", "operator")]


def test_idle_session_is_signed_out(client, world):
    client.force_login(world["operator"])
    assert client.get(reverse("console:cases")).status_code == 200
    session = client.session
    session[middleware.KEY] = time.time() - security.IDLE_TIMEOUT.total_seconds() - 5
    session.save()
    response = client.get(reverse("console:cases"))
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert "_auth_user_id" not in client.session


def test_live_panels_polling_does_not_keep_a_session_alive(client, world):
    client.force_login(world["operator"])
    client.get(reverse("console:cases"))
    session = client.session
    stale = time.time() - 120
    session[middleware.KEY] = stale
    session.save()
    client.get(reverse("console:feed") + "?passive=1")
    assert client.session[middleware.KEY] == stale


@pytest.mark.parametrize("who", ["admin", "secadmin", "leader", "operator"])
def test_only_the_auditor_reads_the_audit_log(client, world, who):
    client.force_login(world[who])
    assert client.get(reverse("console:audit")).status_code == 404


def test_auditor_reads_and_exports_the_audit_log(client, world):
    _fail(client, "someone")
    client.force_login(world["auditor"])
    page = client.get(reverse("console:audit"), {"action": "login_failed"}).content.decode()
    assert "someone" in page
    csv = b"".join(client.get(reverse("console:audit"), {"action": "login_failed", "export": "csv"}).streaming_content)
    assert "someone" in csv.decode("utf-8-sig") and "login_failed" in csv.decode("utf-8-sig")
