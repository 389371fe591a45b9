"""The desk's and the inbox's query counts do not grow with the petitions on them (STYLE.md §13)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from finegrid.petitions.engine import PETITIONS

from .helpers import at, registered, valid_id


def _add(world, n, start):
    for i in range(start, start + n):
        petition = registered(world, at("2026-03-02"), id_number=valid_id(f"32100219800101{i:03d}"),
                              phone=f"1390000{i:04d}", name=f"人{i}")
        PETITIONS.perform(petition, "transfer", world["petition_office"], unit=world["zjj"], now=at("2026-03-03"))


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_desk_and_the_inbox_keep_their_query_counts(client, world):
    _add(world, 2, 0)
    client.force_login(world["petition_office"])
    desk = _count(client, "/petitions/")
    client.force_login(world["handler_zjj"])
    inbox = _count(client, "/petitions/inbox/")
    _add(world, 10, 2)
    assert _count(client, "/petitions/inbox/") == inbox
    client.force_login(world["petition_office"])
    assert _count(client, "/petitions/") == desk
