"""The demo's petitions as the office meets them: reception days at the hour they are held."""

from datetime import UTC, datetime

import pytest
from django.test import Client
from django.utils import translation

from finegrid.demo.petitions import _reception

END = datetime(2026, 11, 29, 16, 0, tzinfo=UTC)  # midnight in Yangzhou, as the seed counts back from


@pytest.fixture(autouse=True)
def in_english():
    """The pages are read in English; the language the requests activate does not outlive the test."""
    with translation.override("en"):
        yield


def test_reception_days_are_held_at_nine_in_the_morning_local_time(world):
    _reception({"leader": world["leader"]}, END)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world["petition_office"])
    page = client.get("/petitions/reception/").content.decode()
    assert page.count("09:00") >= 3 and "01:00" not in page
    posted = client.post("/petitions/reception/", {"what": "day", "leader": world["leader"].pk,
                                                   "starts_at": "2026-12-07T09:30", "place": "区来访接待中心"})
    assert posted.status_code == 302
    assert "2026-12-07 09:30" in client.get("/petitions/reception/").content.decode()
