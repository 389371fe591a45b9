"""Shared fixtures: a tiny district and one world of named users with different rights (STYLE.md §9).

`world` is the one cast every app's tests share; `build_world()` makes the same cast outside a
fixture, so a module can build it once (the role matrix in `core/tests/test_role_matrix.py`)."""

import os
import shutil
import threading

import pytest
from django.contrib.auth import get_user_model

from finegrid.grid.models import Grid, Region
from finegrid.grid.tests.factories import load_tiny_district
from finegrid.org.models import Role, RoleAssignment, Unit

PASSWORD = "Test-password-1"
# The browser tests drive Debian's Chromium through Playwright (no browser download); a module's
# tests share one browser. `make install` adds Chromium when it is missing.
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
needs_chromium = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Chromium is not installed (make install adds it)")
GRID_A, GRID_B = "321002001001001", "321002002001001"  # in street 001 (东关街道) and street 002 (汶河街道)
STREET_A, STREET_B = "321002001", "321002002"


@pytest.fixture(autouse=True, scope="session")
def quick_hashing():
    """PBKDF2 at its production cost was most of the suite's time (every named user is hashed);
    the tests check who may do what, not the hasher. Set before the first hash is cached."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class _OneRequestAtATime:
    """Django's live server, each request (its response's close included) served whole under one
    lock. On SQLite the test database is in memory and pytest-django hands the server its one
    connection, which every request thread then shares: two requests at once (a page and its
    panels' refresh after the response) deadlocked the run in CI, every thread waiting."""

    lock = threading.Lock()

    @classmethod
    def serialised(cls, application):
        def serve(environ, start_response):
            with cls.lock:
                response = application(environ, start_response)
                try:
                    body = b"".join(response)
                finally:
                    if hasattr(response, "close"):
                        response.close()
            return [body]

        return serve


@pytest.fixture(autouse=True, scope="session")
def one_request_at_a_time_on_a_shared_sqlite_connection():
    from django.core.servers.basehttp import ThreadedWSGIServer
    from django.db import connection
    from django.test.testcases import LiveServerThread

    if connection.vendor != "sqlite":
        yield
        return

    class Server(ThreadedWSGIServer):
        def set_app(self, application):
            super().set_app(_OneRequestAtATime.serialised(application))

    LiveServerThread.server_class, original = Server, LiveServerThread.server_class
    yield
    LiveServerThread.server_class = original


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls a test makes between
    # browser steps are plain synchronous calls all the same.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        yield browser
        browser.close()


@pytest.fixture
def tiny(db):
    load_tiny_district()
    return Region.objects.get(code="321002")


def make_user(username, role=None, region=None, unit=None, grids=(), **flags):
    user = get_user_model().objects.create_user(username, password=PASSWORD, **flags)
    if role:
        assignment = RoleAssignment.objects.create(user=user, role=role, region=region, unit=unit)
        assignment.grids.set(grids)
    return user


def build_people() -> dict:
    """leader (whole district), street_a (street 001's handler), worker_a (grid A only),
    worker_b (grid B, in the other street), resident (no staff role). Needs the tiny district."""
    grid_a, grid_b = Grid.objects.get(code=GRID_A), Grid.objects.get(code=GRID_B)
    return {
        "leader": make_user("leader", Role.LEADER),
        "street_a": make_user("street_a", Role.HANDLER, Region.objects.get(code=STREET_A)),
        "worker_a": make_user("worker_a", Role.GRID_WORKER, grids=[grid_a]),
        "worker_b": make_user("worker_b", Role.GRID_WORKER, grids=[grid_b]),
        "resident": make_user("resident", Role.RESIDENT),
        "grid_a": grid_a,
        "grid_b": grid_b,
    }


def build_office(people: dict) -> dict:
    """The command centre (operator, dispatcher, supervisor), two units with a handler each, a
    street supervisor of street 001, the 三员 (system administrator, security administrator,
    auditor) and a superuser made as `createsuperuser` makes one (no role)."""
    from finegrid.cases.tests.factories import make_category

    district = Region.objects.get(code="321002")
    cgj = Unit.objects.create(code="cgj", name="区城市管理局", kind=Unit.Kind.DEPARTMENT, region=district)
    zjj = Unit.objects.create(code="zjj", name="区住房和城乡建设局", kind=Unit.Kind.DEPARTMENT, region=district)
    return {
        **people,
        "cgj": cgj, "zjj": zjj,
        "category": make_category(),
        "operator": make_user("operator", Role.OPERATOR),
        "dispatcher": make_user("dispatcher", Role.DISPATCHER),
        "supervisor": make_user("supervisor", Role.SUPERVISOR),
        "street_sup": make_user("street_sup", Role.SUPERVISOR, region=Region.objects.get(code=STREET_A)),
        "handler_cgj": make_user("handler_cgj", Role.HANDLER, unit=cgj),
        "handler_zjj": make_user("handler_zjj", Role.HANDLER, unit=zjj),
        # The Django admin (is_staff) is the system and security administrators', not the auditor's.
        "admin": make_user("sysadmin", Role.ADMIN, is_staff=True, is_superuser=True),  # as the demo's admin
        "secadmin": make_user("secadmin", Role.SECURITY_ADMIN, is_staff=True),
        "auditor": make_user("auditor", Role.AUDITOR),
        # The offices of the second half; each app's tests give them their own objects.
        "supervision": make_user("supervision", Role.SUPERVISION_OFFICE),
        "petition_office": make_user("petition_office", Role.PETITION_OFFICE),
        "organisation": make_user("organisation", Role.ORGANISATION),
        "callback": make_user("callback", Role.CALLBACK),
        "superuser": make_user("root", is_staff=True, is_superuser=True),
    }


def build_world() -> dict:
    load_tiny_district()
    return build_office(build_people())


@pytest.fixture
def people(tiny):
    return build_people()


@pytest.fixture
def world(people):
    """Everyone: `people`, the office staff, two units (cgj, zjj), a category (C0101), the 三员 and a superuser."""
    return build_office(people)
