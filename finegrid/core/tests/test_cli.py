import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

from finegrid import cli
from finegrid.cli import main
from finegrid.core import database
from finegrid.demo.management.commands import seed_demo


def test_hyphenated_commands_reach_their_django_commands(tiny, tmp_path):
    out = tmp_path / "grids.geojson"
    main(["finegrid", "export-grids", "--level", "grid", "-o", str(out)])
    features = json.loads(out.read_text())["features"]
    assert len(features) == 8 and {f["properties"]["level"] for f in features} == {"grid"}


def test_a_command_says_once_on_stderr_where_its_data_is_and_keeps_stdout_for_the_data(tiny, capsys):
    main(["finegrid", "export-grids", "--level", "grid"])
    out, err = capsys.readouterr()
    assert len(json.loads(out)["features"]) == 8  # stdout is the export alone
    assert err.count("finegrid: data folder") == 1
    assert f"finegrid: data folder {settings.DATA_DIR}, database " in err


def test_help_is_not_preceded_by_the_data_folder(tmp_path):
    # In a process of its own: --help exits through Django's command machinery, which leaves the
    # test process's logging and connections in a state later tests (the MQTT ones) trip over.
    env = {**os.environ, "FINEGRID_DEMO": "1", "FINEGRID_DATA_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "finegrid.cli", "report", "--help"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert "usage:" in done.stdout and "data folder" not in done.stderr


def test_help_names_a_command_as_the_cli_writes_it(tmp_path):
    """Seen in the demo walk: `finegrid help simulate-sensors` said "Unknown command"."""
    env = {**os.environ, "FINEGRID_DEMO": "1", "FINEGRID_DATA_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "finegrid.cli", "help", "seed-demo"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert "usage:" in done.stdout and "Unknown command" not in done.stderr


def test_the_database_is_named_without_its_password():
    postgres = {"ENGINE": "django.db.backends.postgresql", "NAME": "district", "USER": "fg", "PASSWORD": "s3cret",
                "HOST": "db.example", "PORT": 5433}
    assert database.describe(postgres) == "postgresql://fg@db.example:5433/district"
    assert database.describe({"ENGINE": "django.db.backends.sqlite3", "NAME": "/x/var/finegrid.sqlite3"}) == \
        "sqlite /x/var/finegrid.sqlite3"


def test_a_command_on_an_unmigrated_database_says_to_migrate_first(tmp_path):
    env = {**os.environ, "FINEGRID_DEMO": "1", "FINEGRID_DATA_DIR": str(tmp_path)}
    env.pop("FINEGRID_DATABASE_URL", None)  # a fresh SQLite file: no tables at all
    done = subprocess.run([sys.executable, "-m", "finegrid.cli", "api-token", "list"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and done.stdout == ""
    assert "run `finegrid migrate` first" in done.stderr and "Traceback" not in done.stderr
    assert f"data folder {tmp_path}, database sqlite {tmp_path / 'finegrid.sqlite3'}" in done.stderr


def test_unapplied_migrations_stop_a_command_that_needs_the_database(db, monkeypatch, capsys):
    monkeypatch.setattr(database, "pending_migrations", lambda: ["cases.0042_new"])
    with pytest.raises(SystemExit, match="1 migrations not applied.*run `finegrid migrate` first"):
        main(["finegrid", "api-token", "list"])
    assert capsys.readouterr().out == ""


def test_commands_that_need_no_tables_are_not_stopped():
    assert not cli.needs_tables("migrate") and not cli.needs_tables("serve") and not cli.needs_tables("seed_demo")
    assert cli.needs_tables("report") and cli.needs_tables("worker") and cli.needs_tables("createsuperuser")


def test_seed_demo_migrates_an_unmigrated_database_by_itself(db, monkeypatch, capsys):
    migrated = []
    monkeypatch.setattr(seed_demo, "pending_migrations", lambda: ["cases.0001_initial"])
    monkeypatch.setattr(seed_demo, "call_command", lambda name, **options: migrated.append(name))
    monkeypatch.setattr(seed_demo, "seed_demo", lambda progress, cases: {"grids": 0})
    main(["finegrid", "seed-demo"])
    assert migrated == ["migrate"] and "migrating it first" in capsys.readouterr().err


def test_health_answers_ok(client, db):
    assert client.get("/health").json() == {"status": "ok"}
