"""Who is asking: a person's role assignments read once per request and kept on the user object
the request carries, so the page's scope, the cases it may list and the actions it offers all
answer from the same read (three to four reads per request before)."""

from dataclasses import dataclass

from .models import Role, RoleAssignment

CACHE = "_finegrid_principal"


@dataclass(frozen=True)
class Grant:
    """One role assignment: the role, its region's code (None: no region), its unit, its grids."""

    role: str
    region_code: str | None
    unit_id: int | None
    grid_codes: tuple


@dataclass(frozen=True)
class Principal:
    grants: tuple

    @property
    def roles(self) -> frozenset:
        return frozenset(grant.role for grant in self.grants)

    @property
    def handler_units(self) -> frozenset:
        return frozenset(g.unit_id for g in self.grants if g.role == Role.HANDLER and g.unit_id)


def principal_of(user) -> Principal:
    """The user's grants, read on first use and kept on the user object (one per request)."""
    if user is None or not user.is_authenticated:
        return Principal(())
    found = getattr(user, CACHE, None)
    if found is None:
        found = Principal(_grants(user))
        setattr(user, CACHE, found)
    return found


def _grants(user) -> tuple:
    rows = list(RoleAssignment.objects.filter(user=user).order_by("pk").values_list("pk", "role", "region__code",
                                                                                    "unit_id"))
    grids: dict = {}
    if any(role == Role.GRID_WORKER for _, role, _, _ in rows):  # only a grid worker's grids are read
        through = RoleAssignment.grids.through.objects.filter(roleassignment__user=user)
        for pk, code in through.values_list("roleassignment_id", "grid__code"):
            grids.setdefault(pk, []).append(code)
    return tuple(Grant(role, region, unit, tuple(sorted(grids.get(pk, ())))) for pk, role, region, unit in rows)


def forget(user) -> None:
    """Drop the kept grants (after the user's roles changed in the same request or test)."""
    user.__dict__.pop(CACHE, None)
