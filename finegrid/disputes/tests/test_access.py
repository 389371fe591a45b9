"""Who sees a dispute and who reads its parties' phones whole (every such read audited)."""

from finegrid.core.models import AuditEntry
from finegrid.disputes.access import parties_for, visible_disputes
from finegrid.disputes.engine import DISPUTES
from finegrid.disputes.register import register

from .conftest import T0, new_dispute


def test_each_role_sees_the_disputes_of_its_area(world, dispute):
    other = register(new_dispute(grid_code="321002002001001"), world["worker_b"], T0)
    seen = {name: set(visible_disputes(world[name]).values_list("pk", flat=True)) for name in (
        "worker_a", "worker_b", "street_a", "street_sup", "supervisor", "leader", "petition_office", "handler_cgj",
        "admin", "secadmin", "auditor", "superuser", "resident", "operator")}
    both = {dispute.pk, other.pk}
    assert seen == {"worker_a": {dispute.pk}, "worker_b": {other.pk}, "street_a": {dispute.pk},
                    "street_sup": {dispute.pk}, "supervisor": both, "leader": both, "petition_office": both,
                    "handler_cgj": set(), "admin": set(), "secadmin": set(), "auditor": set(), "superuser": set(),
                    "resident": set(), "operator": set()}


def test_phones_are_masked_for_a_grid_worker_who_is_not_the_mediator(world, dispute, committee):
    def phones(name):
        return [p["phone"] for p in parties_for(world[name], dispute)]

    assert phones("worker_a") == ["138****1111", "139****2222"]
    assert phones("leader") == ["138****1111", "139****2222"]
    assert not AuditEntry.objects.filter(action="disputes.party_phone").exists()
    assert phones("street_a") == ["13800001111", "13900002222"]  # the street's committee staff
    assert phones("petition_office") == ["13800001111", "13900002222"]
    DISPUTES.perform(dispute, "assign", world["street_a"], unit=committee, data={"mediator": "worker_a"}, now=T0)
    assert phones("worker_a") == ["13800001111", "13900002222"]  # now the mediator: they call the parties
    read = AuditEntry.objects.filter(action="disputes.party_phone")
    assert sorted(read.values_list("actor__username", flat=True)) == ["petition_office", "street_a", "worker_a"]
    assert read.first().target == dispute.number
