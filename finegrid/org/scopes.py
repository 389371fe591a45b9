"""What part of the district a user may see and act on.

Codes nest (a grid's 15-digit code starts with its community's and street's codes), so an area
scope is a set of code prefixes and "is this grid mine" is a string test, no join needed."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from finegrid.grid.models import Grid

from .models import Role
from .principal import principal_of

STAFF_ROLES = frozenset(Role) - {Role.RESIDENT}
# 三员分立 (GB/T 22239-2019): the system administrator runs the system, the security administrator
# grants roles, the auditor reads the audit trail; none of them holds an area, sees case, personal
# or sensor data or takes a business action. A superuser is a system administrator.
OVERSIGHT_ROLES = frozenset({Role.ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR})
# The offices of the second half (督查室, 信访, 组织部) work on their own apps' objects, each app
# scoping them itself: they hold no area of cases, grids or sensors.
OFFICE_ROLES = frozenset({Role.SUPERVISION_OFFICE, Role.PETITION_OFFICE, Role.ORGANISATION})
# The hotline's call-back desk (回访) reads cases to call their reporters back, and nothing of the
# grids or the sensors: it holds no area of them (cases.visibility reads its cases).
CALLBACK_ROLES = frozenset({Role.CALLBACK})
BUSINESS_ROLES = STAFF_ROLES - OVERSIGHT_ROLES - OFFICE_ROLES - CALLBACK_ROLES  # the case, grid and sensor world
CODE_LENGTH = 18  # a micro-grid's code, the longest


def within(field: str, code: str) -> Q:
    """Rows whose `field` is `code` or a code below it. A range rather than `startswith`: SQLite's
    LIKE is case-insensitive and never uses an index, a range uses it on both databases. Codes are
    digits, at most 18 of them, so the range holds exactly the codes below `code`."""
    return Q(**{f"{field}__gte": code, f"{field}__lte": code.ljust(CODE_LENGTH, "9")})


@dataclass(frozen=True)
class Scope:
    whole_district: bool = False
    code_prefixes: frozenset[str] = frozenset()
    grid_codes: frozenset[str] = frozenset()

    @property
    def is_empty(self) -> bool:
        return not (self.whole_district or self.code_prefixes or self.grid_codes)

    def covers_code(self, code: str) -> bool:
        """True when the grid, micro-grid or region with this code lies inside the scope."""
        if self.whole_district or code in self.grid_codes:
            return True
        if any(code.startswith(grid) for grid in self.grid_codes):
            return True  # a micro-grid of one of my grids
        return any(code.startswith(prefix) for prefix in self.code_prefixes)

    def filter(self, queryset: QuerySet, field: str = "code") -> QuerySet:
        """Narrow a queryset of coded objects (grids, micro-grids, regions, cases by area code) to the scope."""
        if self.whole_district:
            return queryset
        condition = Q(pk__in=[])
        for prefix in sorted(self.code_prefixes | self.grid_codes):
            condition |= within(field, prefix)
        return queryset.filter(condition)

    def grids(self) -> QuerySet:
        return self.filter(Grid.objects.all())


def scope_of(user, roles=BUSINESS_ROLES) -> Scope:
    """The union of the areas of the user's assignments to any of `roles`. An assignment with no
    area covers the whole district, so the oversight roles are never among `roles`; a superuser
    is a system administrator and has no area either (三员分立)."""
    if not user.is_authenticated or not user.is_active:
        return Scope()
    roles = frozenset(roles) - OVERSIGHT_ROLES
    prefixes, grid_codes = set(), set()
    for grant in principal_of(user).grants:
        if grant.role not in roles:
            continue
        if grant.role == Role.GRID_WORKER:
            grid_codes.update(grant.grid_codes)
        elif grant.region_code is not None:
            prefixes.add(grant.region_code)
        elif not (grant.role == Role.HANDLER and grant.unit_id):
            return Scope(whole_district=True)
        # a unit's handler without a region works on the unit's cases, which is no area at all
    return Scope(code_prefixes=frozenset(prefixes), grid_codes=frozenset(grid_codes))


def roles_of(user) -> set[str]:
    return set(principal_of(user).roles)
