"""Two people acting on one case at the same moment, each through a real connection of its own."""

import threading

import pytest
from django.db import connection, connections

from finegrid.cases.models import Case, Transition
from finegrid.cases.tests.test_workflow import TUESDAY, _case
from finegrid.cases.workflow import Conflict, perform

pytestmark = pytest.mark.django_db(transaction=True)


def _race(case_pk, attempts):
    """Run each attempt (user, unit) in its own thread and connection, released together."""
    barrier, results = threading.Barrier(len(attempts)), []

    def attempt(user, unit):
        try:
            stale = Case.objects.get(pk=case_pk)
            barrier.wait()
            perform(stale, "dispatch", user, unit=unit, now=TUESDAY)
            results.append("won")
        except Conflict:
            results.append("conflict")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=a) for a in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="needs two real server connections")
def test_two_dispatchers_at_the_same_moment_exactly_one_wins(world):
    case = _case(world)
    perform(case, "accept", world["operator"], now=TUESDAY)
    results = _race(case.pk, [(world["dispatcher"], world["cgj"]), (world["operator"], world["zjj"])])
    assert sorted(results) == ["conflict", "won"]
    assert Transition.objects.filter(case=case, action="dispatch").count() == 1
    assert Case.objects.get(pk=case.pk).version == 3


def test_vendor_is_known():
    assert connection.vendor in ("sqlite", "postgresql")
