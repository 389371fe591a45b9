"""A pytest plugin (`-p finegrid.testenv` in pyproject.toml): the test run gets a data folder of its own.

settings.py reads FINEGRID_DATA_DIR once, at import, and pytest-django imports the settings before
any conftest is read; a `-p` plugin is imported earlier still, so this module points the variable
at a fresh temporary folder first. The run's SQLite files, uploads, insight's label models and
static folder, and those of every subprocess a test starts (they inherit the variable), land
there rather than in the developer's ./var. The folder the developer configured is remembered,
with what it held, so core/tests/test_data_folder.py can check at the end that nothing appeared."""

import os
import shutil
import tempfile
from pathlib import Path

import pytest

DEVELOPER_DATA_DIR = Path(os.environ.get("FINEGRID_DATA_DIR", "var")).resolve()
RUN_DATA_DIR = Path(tempfile.mkdtemp(prefix="finegrid-tests-"))
os.environ["FINEGRID_DATA_DIR"] = str(RUN_DATA_DIR)
# The machine's Mosquitto is shared by every test run on it (and by each pytest-xdist worker): a
# topic root per process keeps one run's readings out of another's consumer.
os.environ["FINEGRID_MQTT_TOPIC_ROOT"] = f"finegrid-test-{os.getpid()}"


def listing(folder: Path) -> set[str]:
    """Every file and folder under `folder`, relative to it (empty when it does not exist)."""
    return {str(path.relative_to(folder)) for path in folder.rglob("*")} if folder.is_dir() else set()


DEVELOPER_DATA_BEFORE = listing(DEVELOPER_DATA_DIR)


def pytest_configure(config):
    config.addinivalue_line("markers", "run_last: run after every other test of the session")


@pytest.hookimpl(trylast=True)  # after pytest-django's own ordering of the tests
def pytest_collection_modifyitems(items):
    # A check of what the whole run left behind must see every other test's writes.
    items.sort(key=lambda item: item.get_closest_marker("run_last") is not None)


def pytest_unconfigure(config):
    shutil.rmtree(RUN_DATA_DIR, ignore_errors=True)
