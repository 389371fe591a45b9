"""Who is asking, and which cases they may see: the one rule the API, the console and every list
share, so no page shows a case its API would hide."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.db.models.functions import Substr
from django.db.models.lookups import Exact

from finegrid.grid.codes import STREET_LEN
from finegrid.org.models import Role
from finegrid.org.principal import principal_of
from finegrid.org.scopes import BUSINESS_ROLES, CALLBACK_ROLES, OFFICE_ROLES, OVERSIGHT_ROLES, scope_of, within

from . import phones
from .models import Case

AREA_ROLES = BUSINESS_ROLES - {Role.HANDLER}  # a handler sees its unit's cases, not an area
CASE_ROLES = BUSINESS_ROLES | CALLBACK_ROLES  # the roles that read cases at all
OPENER_ROLES = frozenset({Role.OPERATOR, Role.DISPATCHER, Role.GRID_WORKER})


@dataclass(frozen=True)
class Viewer:
    user: object
    roles: frozenset
    units: frozenset  # pks of the units this user handles cases for

    @classmethod
    def of(cls, user) -> "Viewer":
        principal = principal_of(user)
        # createsuperuser's account is a system administrator (三员): it runs the system, no business.
        roles = principal.roles | ({Role.ADMIN} if user.is_superuser else set())
        return cls(user, frozenset(roles), principal.handler_units)

    def phone(self, case: Case) -> str:
        """The reporter's phone as this viewer may see it; every whole number shown is audited."""
        return phones.shown(self, [case])[case.pk]

    def phones(self, cases) -> dict:
        """{case pk: phone} for a page or an export of cases, audited in one entry."""
        return phones.shown(self, list(cases))


def visible_cases(viewer: Viewer) -> QuerySet:
    """Staff see the cases in their area scope and those now with a unit they handle for; a
    resident sees the cases they reported; the call-back desk (回访) those of its area (no area: the
    district); the three administrators none (三员分立), nor the offices of the other apps."""
    if not viewer.roles & CASE_ROLES:
        if viewer.roles & (OVERSIGHT_ROLES | OFFICE_ROLES):
            return Case.objects.none()
        return Case.objects.filter(reporter=viewer.user)
    scope = scope_of(viewer.user, roles=AREA_ROLES | CALLBACK_ROLES)
    if scope.whole_district:
        return Case.objects.all()
    seen = Q(pk__in=[])
    for code in scope.code_prefixes | scope.grid_codes:
        seen |= in_area(code)
    if viewer.units:
        seen |= Q(unit_id__in=viewer.units)
    return Case.objects.filter(seen)


def in_area(code: str) -> Q:
    """Cases in the area with this code. A street's are found by the street part of their code,
    which has an index ordered by time: a street's newest cases are a walk down it, not a sort of
    its hundred thousand cases; smaller areas are short ranges of the area-code index."""
    if len(code) == STREET_LEN:
        return Q(Exact(Substr("area_code", 1, STREET_LEN), code))
    return within("area_code", code)
