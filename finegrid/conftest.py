"""Shared fixtures: a tiny district and named users with different rights (STYLE.md §9)."""

import pytest
from django.contrib.auth import get_user_model

from finegrid.grid.models import Grid, Region
from finegrid.grid.tests.factories import load_tiny_district
from finegrid.org.models import Role, RoleAssignment


@pytest.fixture(autouse=True, scope="session")
def quick_hashing():
    """PBKDF2 at its production cost was most of the suite's time (every named user is hashed);
    the tests check who may do what, not the hasher. Set before the first hash is cached."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def tiny(db):
    load_tiny_district()
    return Region.objects.get(code="321002")


def _user(username, role=None, region=None, grids=(), superuser=False):
    user = get_user_model().objects.create_user(username, password="Test-password-1", is_superuser=superuser)
    if role:
        assignment = RoleAssignment.objects.create(user=user, role=role, region=region)
        assignment.grids.set(grids)
    return user


@pytest.fixture
def people(tiny):
    """leader (whole district), street_a (street 001's handler), worker_a (grid A only),
    worker_b (grid B, in the other street), resident (no staff role)."""
    grid_a = Grid.objects.get(code="321002001001001")
    grid_b = Grid.objects.get(code="321002002001001")
    return {
        "leader": _user("leader", Role.LEADER),
        "street_a": _user("street_a", Role.HANDLER, Region.objects.get(code="321002001")),
        "worker_a": _user("worker_a", Role.GRID_WORKER, grids=[grid_a]),
        "worker_b": _user("worker_b", Role.GRID_WORKER, grids=[grid_b]),
        "resident": _user("resident", Role.RESIDENT),
        "grid_a": grid_a,
        "grid_b": grid_b,
    }
