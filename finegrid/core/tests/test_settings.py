import os
import subprocess
import sys

import pytest

from finegrid.settings import DEMO_SECRET_KEY


def _import_settings(tmp_path, **env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("FINEGRID_")}
    clean.update(FINEGRID_DATA_DIR=str(tmp_path), **env)
    return subprocess.run(
        [sys.executable, "-c", "import finegrid.settings as s; print(s.DATABASES['default']['ENGINE'])"],
        env=clean, capture_output=True, text=True, timeout=60,
    )


def test_production_start_up_fails_without_a_secret_key(tmp_path):
    result = _import_settings(tmp_path)
    assert result.returncode != 0 and "FINEGRID_SECRET_KEY" in result.stderr


def test_production_start_up_fails_on_the_demo_key(tmp_path):
    result = _import_settings(tmp_path, FINEGRID_SECRET_KEY=DEMO_SECRET_KEY)
    assert result.returncode != 0 and "FINEGRID_SECRET_KEY" in result.stderr


@pytest.mark.parametrize("env", [{"FINEGRID_SECRET_KEY": "x" * 50}, {"FINEGRID_DEMO": "1"}, {"FINEGRID_DEBUG": "yes"}])
def test_start_up_succeeds_with_a_key_or_in_demo_or_debug(tmp_path, env):
    result = _import_settings(tmp_path, **env)
    assert result.returncode == 0, result.stderr
    assert "sqlite3" in result.stdout
    assert (tmp_path / "finegrid.sqlite3").parent.is_dir()


def test_a_bad_boolean_fails_at_start_up(tmp_path):
    result = _import_settings(tmp_path, FINEGRID_DEMO="maybe")
    assert result.returncode != 0 and "FINEGRID_DEMO" in result.stderr


def test_database_url_switches_to_postgresql(tmp_path):
    result = _import_settings(tmp_path, FINEGRID_DEMO="1", FINEGRID_DATABASE_URL="postgres://u@127.0.0.1:5432/x")
    assert "postgresql" in result.stdout


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(db, settings):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        mode = cursor.fetchone()[0]
    # The test database lives in memory, where WAL does not apply; the option must still be set.
    assert "journal_mode=WAL" in settings.DATABASES["default"]["OPTIONS"]["init_command"]
    assert settings.DATABASES["default"]["OPTIONS"]["timeout"] >= 5
    assert mode in ("wal", "memory")


def test_time_zone_and_language_defaults(settings):
    assert settings.TIME_ZONE == "Asia/Shanghai" and settings.USE_TZ
    assert settings.LANGUAGE_CODE == "zh-hans"


def test_smtp_cannot_be_both_starttls_and_ssl(tmp_path):
    result = _import_settings(tmp_path, FINEGRID_DEMO="1", FINEGRID_EMAIL_STARTTLS="1", FINEGRID_EMAIL_SSL="1")
    assert result.returncode != 0 and "FINEGRID_EMAIL_SSL" in result.stderr
