"""What the last walk found: the menu showed the mediation desk to a unit handler who then got a
404, and a grid worker of the dispute's grid could not record a session unless named mediator."""

from django.test import Client

from finegrid.disputes.engine import DISPUTES
from finegrid.disputes.models import Dispute

from .conftest import T0


def _client(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def _menu_has_the_desk(user) -> bool:
    from django.template import Context, Template
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user, request.session = user, {}
    html = Template("{% load console %}{% console_nav %}").render(Context({"request": request}))
    return "/disputes/" in html


def test_the_menu_shows_the_mediation_desk_only_to_whom_it_opens(world):
    assert _client(world["handler_cgj"]).get("/disputes/").status_code == 404  # a unit with no region
    assert not _menu_has_the_desk(world["handler_cgj"])
    assert _client(world["street_a"]).get("/disputes/").status_code == 200
    assert _menu_has_the_desk(world["street_a"])
    assert _menu_has_the_desk(world["worker_a"])


def test_a_grid_worker_of_the_disputes_grid_records_a_session_but_does_not_bind_the_parties(world, dispute, committee):
    DISPUTES.perform(dispute, "assign", world["street_a"], unit=committee, now=T0)  # the committee, no named mediator
    worker = _client(world["worker_a"])
    page = worker.post(f"/disputes/{dispute.pk}/act/session/", {"version": 2, "summary": "网格员上门调解"}, follow=True)
    assert "done" in page.content.decode()
    assert Dispute.objects.get(pk=dispute.pk).session_count == 1
    agreed = worker.post(f"/disputes/{dispute.pk}/act/agree/", {"version": 3, "agreement": "赔偿五百元"}, follow=True)
    assert "may not" in agreed.content.decode() and Dispute.objects.get(pk=dispute.pk).state == "mediating"
    other = _client(world["worker_b"]).post(f"/disputes/{dispute.pk}/act/session/", {"version": 3, "summary": "x"})
    assert other.status_code == 404  # another grid's worker does not see it


def test_a_desk_refuses_inside_the_sites_frame_not_with_a_bare_page(world, dispute):
    for client, url in [(_client(world["handler_cgj"]), "/disputes/"),
                        (_client(world["worker_b"]), f"/disputes/{dispute.pk}/"),
                        (_client(world["street_a"]), "/petitions/"),
                        (_client(world["petition_office"]), "/petitions/XF000000000/")]:
        page = client.get(url)
        assert page.status_code == 404, url
        assert "Nothing here for you" in page.content.decode() and "/console/" in page.content.decode(), url
