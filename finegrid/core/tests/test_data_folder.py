"""Tests write into the run's temporary data folder (finegrid/testenv.py), never the developer's."""

from pathlib import Path

import pytest
from django.conf import settings

from finegrid import testenv
from finegrid.insight import store
from finegrid.settings import database_from_env


def _inside(path, folder: Path) -> bool:
    return Path(path).resolve().is_relative_to(folder)


def test_every_data_path_of_the_run_is_in_its_own_folder():
    paths = [settings.DATA_DIR, settings.MEDIA_ROOT, settings.STATIC_ROOT, store.models_dir()]
    configured = database_from_env()  # the test database itself is in memory; subprocesses use this one
    if configured["ENGINE"].endswith("sqlite3"):
        paths.append(configured["NAME"])
    assert all(_inside(path, testenv.RUN_DATA_DIR) for path in paths), paths
    assert not any(_inside(path, testenv.DEVELOPER_DATA_DIR) for path in paths), paths


@pytest.mark.run_last
def test_the_run_created_nothing_in_the_developer_data_folder():
    created = testenv.listing(testenv.DEVELOPER_DATA_DIR) - testenv.DEVELOPER_DATA_BEFORE
    assert not created, f"tests wrote into {testenv.DEVELOPER_DATA_DIR}: {sorted(created)[:20]}"
