"""Who sees which disputes, who may act on one, and who reads a party's phone whole.

Grid workers see their grids' disputes; a street's handlers and supervisors (a role with a region)
their street's; the petition office, the leaders and the district's supervisors the whole district.
The three administrators see none (三员分立): a superuser is a system administrator here, whatever
else it may be. A unit's handler with no region has no area, so no dispute."""

from django.db.models import QuerySet

from finegrid.core.models import audit
from finegrid.org.models import Role
from finegrid.org.principal import principal_of
from finegrid.org.privacy import mask_phone
from finegrid.org.scopes import Scope, scope_of

from .models import Dispute

READERS = frozenset({Role.GRID_WORKER, Role.HANDLER, Role.SUPERVISOR, Role.PETITION_OFFICE, Role.LEADER})
MEDIATOR = "mediator"  # the role of whoever the dispute names as its mediator
# Who calls the parties: the dispute's own mediator, the street's handlers (the committee's staff)
# and the petition office. Everyone else who may see the dispute reads the phone masked.
PHONE_ROLES = frozenset({Role.HANDLER, Role.PETITION_OFFICE})


def dispute_scope(user) -> Scope:
    if not user.is_authenticated or user.is_superuser:
        return Scope()
    return scope_of(user, READERS)


def sees_disputes(user) -> bool:
    """The menu's test (`nav_links`): a unit handler with no region has no dispute page to open."""
    return not dispute_scope(user).is_empty


def visible_disputes(user) -> QuerySet:
    scope = dispute_scope(user)
    if scope.is_empty:
        return Dispute.objects.none()
    return scope.filter(Dispute.objects.all(), field="area_code")


def covers(grant, code: str) -> bool:
    """Whether one role assignment reaches the area `code`."""
    if grant.role == Role.GRID_WORKER:
        return any(code.startswith(grid) for grid in grant.grid_codes)
    if grant.region_code is not None:
        return code.startswith(grant.region_code)
    return not (grant.role == Role.HANDLER and grant.unit_id)


def roles_over(user, dispute: Dispute) -> set[str]:
    """The roles `user` holds over this dispute's place, and MEDIATOR when they are its mediator."""
    if not user.is_authenticated or user.is_superuser:
        return set()
    held = {g.role for g in principal_of(user).grants if g.role in READERS and covers(g, dispute.area_code)}
    if dispute.mediator_id == user.pk:
        held.add(MEDIATOR)
    return held


def reads_phones(user, dispute: Dispute) -> bool:
    return bool(roles_over(user, dispute) & (PHONE_ROLES | {MEDIATOR}))


def parties_for(user, dispute: Dispute, purpose: str = "page") -> list[dict]:
    """The parties as `user` may read them; a read of whole phones is audited, once per read."""
    whole = reads_phones(user, dispute)
    parties = list(dispute.parties.all())
    shown = [{"name": p.name, "side": p.side, "side_label": p.get_side_display(),
              "phone": p.phone if whole else mask_phone(p.phone)} for p in parties]
    if whole and any(p.phone for p in parties):
        audit("disputes.party_phone", dispute.number, user, purpose=purpose, parties=[p.pk for p in parties])
    return shown
