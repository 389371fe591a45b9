"""The sensing pages against users with different rights, and the console's queries."""

from finegrid.sensing import queries
from finegrid.sensing.engine import Incoming
from finegrid.sensing.models import Alarm

from .factories import T0, ms


def _alarm(engine):
    engine.process([Incoming("d1", ms(0), {"ch4": 30, "o2": 20.9})], now=T0)
    return Alarm.objects.get()


def test_site_page_shows_sensors_and_alarms_to_the_grid_worker(engine, station, people, client):
    _alarm(engine)
    client.force_login(people["worker_a"])
    page = client.get("/sensing/sites/gs1/").content.decode()
    assert "可燃气体（甲烷） 30 %LEL，达到或超过 25" in page and "20.9" in page


def test_a_worker_of_another_grid_does_not_see_the_site(engine, station, people, client):
    client.force_login(people["worker_b"])
    assert client.get("/sensing/sites/gs1/").status_code == 404
    assert "gs1" not in client.get("/sensing/").content.decode()


def test_the_site_list_shows_the_leaders_whole_district(engine, station, people, client, django_assert_max_num_queries):
    _alarm(engine)
    client.force_login(people["leader"])
    with django_assert_max_num_queries(8):
        page = client.get("/sensing/").content.decode()
    assert "站点gs1" in page


def test_acknowledging_from_the_page(engine, station, people, client):
    alarm = _alarm(engine)
    client.force_login(people["worker_a"])
    response = client.post(f"/sensing/alarms/{alarm.pk}/ack", {"comment": "已到场"})
    assert response.status_code == 302
    alarm.refresh_from_db()
    assert alarm.state == Alarm.State.ACTIVE_ACK and alarm.ack_comment == "已到场"


def test_a_resident_may_not_acknowledge(engine, station, people, client):
    alarm = _alarm(engine)
    client.force_login(people["resident"])
    assert client.post(f"/sensing/alarms/{alarm.pk}/ack").status_code == 404
    assert Alarm.objects.get().state == Alarm.State.ACTIVE_UNACK


def test_queries_by_region_code_prefix(engine, station):
    _alarm(engine)
    assert queries.active_alarms("321002001").count() == 1
    assert queries.active_alarms("321002002").count() == 0
    assert queries.alarm_counts("321002") == {3: 1}
    site = queries.sites("321002001").get()
    assert site.active_alarms == 1 and site.worst == 3
    latest = {s.code: s.last_value for s in queries.sensors_with_latest(station["site"])}
    assert latest == {"ch4": 30, "co": None, "h2s": None, "o2": 20.9}
    assert queries.readings(station["device"].sensors.get(code="ch4"), 0) == [(ms(0), 30.0)]


def test_the_site_list_narrows_to_a_street_or_grid(engine, station, people, client):
    client.force_login(people["leader"])
    assert "站点gs1" in client.get("/sensing/?area=321002001").content.decode()
    assert "站点gs1" not in client.get("/sensing/?area=321002002").content.decode()
    assert "站点gs1" in client.get("/sensing/?area=<script>").content.decode()  # not a code: ignored


def test_the_menu_leads_the_command_centre_to_the_sites_and_not_the_auditor(client, people, station):
    """Seen in the demo: the dispatcher could open /sensing/ but no menu led there."""
    from finegrid.org.models import Role, RoleAssignment
    from finegrid.cases.tests.factories import make_user

    dispatcher, auditor = make_user("disp", Role.DISPATCHER), make_user("aud", Role.AUDITOR)
    assert RoleAssignment.objects.filter(user=dispatcher).exists()
    client.force_login(dispatcher)
    assert 'href="/sensing/"' in client.get("/console/", follow=True).content.decode()
    client.force_login(auditor)
    assert 'href="/sensing/"' not in client.get("/console/audit/").content.decode()
