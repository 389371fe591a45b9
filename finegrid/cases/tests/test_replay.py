import io

import pytest
from django.core.management import CommandError, call_command

from finegrid.cases.models import Case
from finegrid.cases.tests.test_workflow import TUESDAY, _case
from finegrid.cases.workflow import perform


def test_check_finds_nothing_wrong_with_cases_moved_by_the_workflow(world):
    case = _case(world)
    perform(case, "accept", world["operator"], now=TUESDAY)
    perform(case, "dispatch", world["dispatcher"], unit=world["cgj"], now=TUESDAY)
    perform(case, "reassign", world["dispatcher"], unit=world["zjj"], reason="错派", now=TUESDAY)
    out = io.StringIO()
    call_command("check", stdout=out)
    assert "1 cases agree" in out.getvalue()


def test_check_reports_a_case_whose_stored_state_disagrees(world):
    case = _case(world)
    perform(case, "accept", world["operator"], now=TUESDAY)
    Case.objects.filter(pk=case.pk).update(state="closed", reassign_count=3)
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 of 1 cases"):
        call_command("check", stderr=err)
    assert case.ticket in err.getvalue() and "closed" in err.getvalue() and "reassign_count" in err.getvalue()
