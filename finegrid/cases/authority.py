"""Who may take an action on a case: a role the action allows, held for the case's area (or,
for a handler, for the case's unit). Assignments are read once per user object."""

from finegrid.org.models import Role
from finegrid.org.principal import principal_of

from .actions import Action


def role_for(user, act: Action, case) -> str | None:
    """The role under which `user` may take `act` on `case`, or None."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    # A superuser is a system administrator (三员分立): it runs the system and takes no business
    # action; like everyone else it acts only by a business role held.
    for role, region_code, unit_id, grid_codes in _assignments(user):
        if role in act.roles and _covers(role, region_code, unit_id, grid_codes, case):
            return role
    if Role.RESIDENT in act.roles and case.reporter_id and case.reporter_id == user.pk:
        return Role.RESIDENT
    return None


def _covers(role, region_code, unit_id, grid_codes, case) -> bool:
    if role == Role.HANDLER:
        return unit_id is not None and unit_id == case.unit_id
    if role == Role.GRID_WORKER:
        return any(case.area_code.startswith(code) for code in grid_codes)
    if role == Role.RESIDENT:
        return False  # residents act only on their own reports, checked by the caller
    return region_code is None or case.area_code.startswith(region_code)


def _assignments(user) -> list[tuple]:
    return [(g.role, g.region_code, g.unit_id, g.grid_codes) for g in principal_of(user).grants]
