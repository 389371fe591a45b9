"""The smaller findings of issue 14 (item 6), each as it was found: settings that must fail at
start, headers every page carries, a JSON API that answers in JSON when its session is gone,
outbound webhooks that do not reach into the private network, a guesser at a locked account."""

import io
import time

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from finegrid.core.models import AuditEntry

from .test_settings import _import_settings


def test_a_short_secret_key_is_refused_at_start(tmp_path):
    result = _import_settings(tmp_path, FINEGRID_SECRET_KEY="x")
    assert result.returncode != 0 and "at least 50" in result.stderr
    assert _import_settings(tmp_path, FINEGRID_SECRET_KEY="x" * 49).returncode != 0
    assert _import_settings(tmp_path, FINEGRID_SECRET_KEY="x" * 50).returncode == 0


def _show(tmp_path, expression: str, **env) -> str:
    import os
    import subprocess
    import sys

    clean = {k: v for k, v in os.environ.items() if not k.startswith("FINEGRID_")}
    clean.update(FINEGRID_DATA_DIR=str(tmp_path), FINEGRID_SECRET_KEY="k" * 60, **env)
    run = subprocess.run([sys.executable, "-c", f"import finegrid.settings as s; print({expression})"],
                         env=clean, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    return run.stdout.strip()


def test_https_turns_on_hsts_and_secure_cookies(tmp_path):
    on = "(getattr(s, 'SECURE_HSTS_SECONDS', 0), s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)"
    assert _show(tmp_path, on, FINEGRID_HTTPS="1") == "(31536000, True, True)"
    assert _show(tmp_path, on) == "(0, False, False)"


def test_hsts_is_sent_on_a_secure_request(client, settings, db):
    settings.SECURE_HSTS_SECONDS = 31536000
    assert "max-age=31536000" in client.get("/health/", secure=True)["Strict-Transport-Security"]


def test_the_demo_key_is_served_on_loopback_only(settings):
    from finegrid.core.management.commands.serve import refuse_public_demo_key
    from finegrid.settings import DEMO_SECRET_KEY

    settings.SECRET_KEY = DEMO_SECRET_KEY
    for host in ("0.0.0.0", "192.168.1.5", "example.org", "::"):
        with pytest.raises(CommandError, match="demo secret key"):
            refuse_public_demo_key(host)
    for host in ("127.0.0.1", "::1", "[::1]", "localhost", "127.0.0.2"):
        refuse_public_demo_key(host)
    settings.SECRET_KEY = "s" * 60
    refuse_public_demo_key("0.0.0.0")


def test_every_page_carries_a_content_security_policy(client, world):
    client.force_login(world["operator"])
    for path in ("/", "/console/", "/report/", "/track/", "/api/v1/docs", reverse("login")):
        response = client.get(path, follow=True)
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy, path
        assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0], path
        assert "<script>" not in response.content.decode(), path  # no inline script left to allow


def test_an_expired_api_session_is_a_json_401_not_a_redirect(client, world):
    from finegrid.console import middleware, security

    client.force_login(world["operator"])
    session = client.session
    session[middleware.KEY] = time.time() - security.IDLE_TIMEOUT.total_seconds() - 5
    session.save()
    response = client.get("/api/v1/cases", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401 and response["Content-Type"].startswith("application/json")
    assert response.json()["detail"] in ("The session has expired: sign in again.", "会话已过期，请重新登录。")


def test_attempts_against_a_locked_account_are_audited(client, world):
    from finegrid.console import security

    for _ in range(security.MAX_FAILURES):
        client.post(reverse("login"), {"username": "operator", "password": "wrong"}, REMOTE_ADDR="198.51.100.4")
    assert not AuditEntry.objects.filter(action="auth.locked_attempt").exists()
    client.post(reverse("login"), {"username": "operator", "password": "Test-password-1"}, REMOTE_ADDR="198.51.100.4")
    entry = AuditEntry.objects.get(action="auth.locked_attempt")
    assert entry.target == "operator" and entry.detail["ip"] == "198.51.100.4"


def test_changepassword_does_not_reach_an_administrators_account(world):
    from finegrid import cli

    assert cli.OWN_COMMANDS["changepassword"] == "change_password"  # `finegrid changepassword` is ours
    for name in ("auditor", "secadmin", "sysadmin", "root"):
        with pytest.raises(CommandError, match="三员"):
            call_command("change_password", name, stdout=io.StringIO())
