"""What an app declares on its AppConfig reaches the platform without the engine or the console
being edited: its intake channel, its `finegrid report`, its overview panel (the test-only
shapes app declares one of each, as a real app would)."""

import io
import os
import subprocess
import sys

from django.core.management import call_command
from django.urls import reverse

from finegrid.cases import channels
from finegrid.cases.models import Case
from finegrid.cases.tests.shapes.engine import register
from finegrid.cases.tests.test_shapes import AREA, T0
from finegrid.core.declared import declared


def test_an_apps_channel_is_a_channel_beside_the_engines_own():
    assert {"hotline", "open311", "petition"} <= channels.known()
    assert dict(Case._meta.get_field("channel").choices)["petition"] == "信访 (shape)"


def test_an_apps_report_is_written_by_finegrid_report(world):
    register(area_code=AREA, unit=world["cgj"], now=T0)
    out = io.StringIO()
    call_command("report", "matters", stdout=out)
    assert out.getvalue() == "matters: 1\n"


def test_an_unknown_report_names_the_declared_ones():
    import pytest
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="evaluation, hot-issues, supervision, petitions, matters"):
        call_command("report", "nothing")


def test_an_apps_overview_panel_is_loaded_into_the_leaders_screen(client, world):
    register(area_code=AREA, unit=world["cgj"], now=T0)
    client.force_login(world["leader"])
    page = client.get(reverse("console:overview")).content.decode()
    assert reverse("console:app_panel", args=["matters"]) in page and "信访 (shape)" in page
    panel = client.get(reverse("console:app_panel", args=["matters"])).content.decode()
    assert 'data-panel="matters"' in panel and "<b>1</b> open" in panel
    assert client.get(reverse("console:app_panel", args=["nothing"])).status_code == 404


def test_a_resident_gets_no_app_panel(client, world):
    client.force_login(world["resident"])
    answer = client.get(reverse("console:app_panel", args=["matters"]))
    assert answer.status_code != 200 and b"data-panel" not in answer.content


def test_the_worker_steps_are_what_the_apps_declare():
    assert [name for name, *_ in declared("worker_steps")] == ["sensing", "insight", "inbox", "tasks", "petitions-index"]


def test_the_apps_api_routes_join_when_the_urlconf_is_read_not_at_set_up(tmp_path):
    # In a process of its own: this one has read the URLconf long ago. A command that serves no
    # URL (`finegrid analyze`, whose fresh start-up is measured) must not import the APIs; the
    # routes that word their summaries as they are added use the default language, as at set-up,
    # whatever language is on when the URLconf is read.
    probe = ("import sys, django; django.setup(); print(sorted(m for m in ('ninja', 'finegrid.intake.api', "
             "'finegrid.petitions.api', 'finegrid.disputes.api') if m in sys.modules)); "
             "from django.urls import reverse; from django.utils import translation; translation.activate('en'); "
             "from finegrid.core.warm import read_urlconf; read_urlconf(); "
             "print(reverse('api:create_case'), reverse('api:create_petition'), reverse('api:register_dispute')); "
             "from finegrid.cases.api import api; paths = api.get_openapi_schema(path_prefix='/api/v1/')['paths']; "
             "print(paths['/api/v1/disputes/{dispute_id}/actions/assign']['post']['summary'])")
    env = {**os.environ, "FINEGRID_DEMO": "1", "FINEGRID_DATA_DIR": str(tmp_path),
           "DJANGO_SETTINGS_MODULE": "finegrid.settings"}
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=120)
    assert done.stdout.splitlines() == ["[]", "/api/v1/cases /api/v1/petitions /api/v1/disputes", "指派调解"], done.stderr
