"""Every console page against users with different rights (STYLE.md §9)."""

import pytest
from django.urls import reverse

from finegrid.cases.workflow import perform

PAGES = ["console:home", "console:cases", "console:command", "console:queue", "console:overview",
         "console:unit_desk", "console:worker", "console:audit", "console:security", "console:merge"]
# Who may open which page (200); everyone else gets 404 (pages are not advertised to strangers).
# The system administrator is at no business desk (三员分立).
ALLOWED = {
    "console:command": {"operator", "dispatcher", "supervisor", "leader", "street_sup"},
    "console:queue": {"operator", "dispatcher", "supervisor", "leader", "street_sup"},
    "console:merge": {"operator", "dispatcher", "supervisor", "leader", "street_sup"},
    "console:overview": {"supervisor", "leader", "street_sup"},
    "console:unit_desk": {"handler_cgj", "handler_zjj", "street_a"},
    "console:worker": {"worker_a", "worker_b"},
    "console:audit": {"auditor"},
    "console:security": {"secadmin"},
}
USERS = ["leader", "street_a", "worker_a", "worker_b", "operator", "dispatcher", "supervisor", "handler_cgj",
         "admin", "secadmin", "auditor", "street_sup", "callback", "superuser"]


@pytest.mark.parametrize("who", USERS)
def test_each_page_opens_only_for_its_roles(client, world, case_a, who):
    client.force_login(world[who])
    for page in PAGES:
        response = client.get(reverse(page), follow=True)
        allowed = ALLOWED.get(page)
        expected = 200 if allowed is None or who in allowed else 404
        assert response.status_code == expected, page


def test_pages_need_a_sign_in(client, world):
    for page in PAGES:
        response = client.get(reverse(page))
        assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize("who,lands", [
    ("leader", "console:overview"), ("operator", "console:command"), ("dispatcher", "console:command"),
    ("handler_cgj", "console:unit_desk"), ("worker_a", "console:worker"), ("auditor", "console:audit"),
    ("secadmin", "console:security"),
])
def test_each_role_lands_on_its_own_desk(client, world, who, lands):
    client.force_login(world[who])
    assert client.get(reverse("console:home"))["Location"] == reverse(lands)


def test_supervisor_and_admin_have_a_home_of_their_own(client, world):
    client.force_login(world["supervisor"])
    assert "督办" in client.get(reverse("console:home")).content.decode()
    client.force_login(world["admin"])
    assert "系统管理" in client.get(reverse("console:home")).content.decode()


def test_grid_worker_cannot_open_another_grids_case(client, world, case_a, case_b):
    client.force_login(world["worker_a"])
    assert client.get(reverse("console:case", args=[case_a.ticket])).status_code == 200
    assert client.get(reverse("console:case", args=[case_b.ticket])).status_code == 404
    listing = client.get(reverse("console:cases")).content.decode()
    assert case_a.ticket in listing and case_b.ticket not in listing


def test_handler_sees_only_its_units_cases(client, world, case_a):
    perform(case_a, "accept", world["operator"])
    perform(case_a, "dispatch", world["dispatcher"], unit=world["cgj"])
    client.force_login(world["handler_zjj"])
    assert client.get(reverse("console:case", args=[case_a.ticket])).status_code == 404
    client.force_login(world["handler_cgj"])
    page = client.get(reverse("console:unit_desk")).content.decode()
    assert case_a.ticket in page


def test_reporter_phone_is_masked_for_a_leader_and_whole_for_an_operator(client, world, case_a):
    client.force_login(world["leader"])
    assert "138****1234" in client.get(reverse("console:case", args=[case_a.ticket])).content.decode()
    client.force_login(world["operator"])
    assert "13800001234" in client.get(reverse("console:case", args=[case_a.ticket])).content.decode()


def _csv(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8-sig")


def test_the_supervisors_lists_export_with_their_rows(client, world, case_a):
    from datetime import timedelta

    from django.utils import timezone

    from finegrid.cases.models import Case
    from finegrid.cases.workflow import perform

    perform(case_a, "accept", world["operator"])
    Case.objects.filter(pk=case_a.pk).update(due_at=timezone.now() - timedelta(hours=1))
    client.force_login(world["supervisor"])
    assert case_a.ticket in _csv(client.get(reverse("console:home"), {"list": "overdue", "export": "csv"}))
    assert case_a.ticket not in _csv(client.get(reverse("console:home"), {"list": "extensions", "export": "csv"}))
    client.force_login(world["leader"])
    assert case_a.ticket in _csv(client.get(reverse("console:overview"), {"list": "overdue", "export": "csv"}))


def test_the_security_admin_exports_sign_in_attempts(client, world):
    client.post(reverse("login"), {"username": "nobody", "password": "wrong-Password-9"})
    client.force_login(world["secadmin"])
    assert "nobody" in _csv(client.get(reverse("console:security"), {"list": "attempts", "export": "csv"}))
