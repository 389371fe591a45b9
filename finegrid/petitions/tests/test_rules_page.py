"""The limits as rule data the office sees and changes: every version with who set it and from
when; a change writes the next version, never edits one; a petition keeps its version."""

from datetime import date

import pytest
from django.test import Client

from finegrid.petitions import rules
from finegrid.petitions.models import LimitRule

from .helpers import at, registered

LIMITS = {"transfer": 15, "accept": 15, "handle": 60, "extend": 30, "review_window": 30, "review": 30,
          "recheck_window": 30, "recheck": 30}


def _client(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_the_office_writes_the_next_version_and_the_page_says_who_and_from_when(world):
    before = registered(world, at("2026-03-02"))
    client = _client(world["petition_office"])
    page = client.get("/petitions/rules/").content.decode()
    assert "shipped default" in page and "信访工作条例" in page
    posted = client.post("/petitions/rules/", {**LIMITS, "handle": "45", "roll_over_holidays": "on",
                                               "valid_from": "2026-04-01", "source": "某市规定 (2026) 第五条"})
    assert posted.status_code == 302
    row = LimitRule.objects.get()
    assert row.version == 2 and row.days["handle"] == 45 and row.set_by == world["petition_office"]
    page = client.get("/petitions/rules/").content.decode()
    assert "petition_office" in page and "2026-04-01" in page and "某市规定" in page
    assert rules.rule_in_force(date(2026, 4, 2)).days["handle"] == 45
    assert rules.rule_in_force(date(2026, 3, 31)).version == 1
    before.refresh_from_db()
    assert before.rule_version == 1  # registered under version 1, kept
    later = registered(world, at("2026-04-02"), id_number="", phone="13900009999", channel="phone")
    assert later.rule_version == 2


def test_a_version_is_never_edited_and_a_bad_one_is_refused_naming_why(world):
    client = _client(world["petition_office"])
    client.post("/petitions/rules/", {**LIMITS, "valid_from": "2026-04-01", "source": "x"})
    row = LimitRule.objects.get()
    row.days = {**row.days, "handle": 10}
    with pytest.raises(ValueError):
        row.save()
    backwards = client.post("/petitions/rules/", {**LIMITS, "valid_from": "2026-01-01", "source": "y"})
    assert backwards.status_code == 400 and "not before 2026-04-01" in backwards.content.decode()
    zero = client.post("/petitions/rules/", {**LIMITS, "handle": "0", "valid_from": "2026-05-01", "source": "y"})
    assert zero.status_code == 400 and LimitRule.objects.count() == 1
    assert _client(world["leader"]).post("/petitions/rules/", {**LIMITS, "valid_from": "2026-05-01",
                                                               "source": "y"}).status_code == 200  # reads only
    assert LimitRule.objects.count() == 1
    assert _client(world["handler_zjj"]).get("/petitions/rules/").status_code == 404
