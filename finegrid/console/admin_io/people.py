"""People and their roles (人员与角色): one row per role of a person. The rows of a user name are
that person's staff roles after the import (their other staff roles are removed). The three
administrators (三员: system, security, audit) are outside it: an import never grants their
roles nor touches their accounts, and the export leaves them out; the security administrator
manages them. New accounts get no password (sign-in is impossible
until one is set); phones are exported masked, and a masked phone leaves the stored one as it is."""

import re
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from finegrid.grid.models import Grid, Region
from finegrid.org.models import Person, Role, RoleAssignment, Unit
from finegrid.org.privacy import mask_phone

from .sheet import (
    Column,
    RowError,
    Sheet,
    choice,
    optional,
    required,
    yes_no,
    yes_no_text,
)

PRIVILEGED = frozenset({Role.ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR})
C = {c.name: c for c in (
    Column("username", _("User name"), True), Column("full_name", _("Full name"), True), Column("phone", _("Phone")),
    Column("unit", _("Unit code")), Column("role", _("Role"), True), Column("region", _("Area code")),
    Column("grids", _("Grid codes")), Column("role_unit", _("Unit of the role")), Column("active", _("Active")),
)}
USERNAME = re.compile(r"^[\w.@+-]{1,150}$")


class PeopleSheet(Sheet):
    name = "people"
    title = _("People and roles")
    columns = tuple(C.values())

    def rows(self):
        assignments = (RoleAssignment.objects.exclude(role__in=PRIVILEGED | {Role.RESIDENT})
                       .select_related("user__person__unit", "region", "unit").prefetch_related("grids")
                       .order_by("user__username", "role"))
        for a in assignments:
            person = getattr(a.user, "person", None)
            yield [a.user.username, person.full_name if person else "", mask_phone(person.phone) if person else "",
                   person.unit.code if person and person.unit else "", a.get_role_display(),
                   a.region.code if a.region else "", ";".join(g.code for g in a.grids.all()),
                   a.unit.code if a.unit else "", yes_no_text(a.user.is_active)]

    def context(self) -> dict:
        return {"regions": dict(Region.objects.values_list("code", "pk")),
                "units": dict(Unit.objects.values_list("code", "pk")),
                "grids": dict(Grid.objects.values_list("code", "pk")), "names": {},
                # A superuser is a system administrator too (三员), with or without its role.
                "privileged": set(RoleAssignment.objects.filter(role__in=PRIVILEGED)
                                  .values_list("user__username", flat=True))
                | set(get_user_model().objects.filter(is_superuser=True).values_list("username", flat=True))}

    def check(self, row, context):
        username = required(row, "username", C["username"].title, 150)
        if not USERNAME.match(username):
            raise RowError(_("%(name)s is not a valid user name (letters, digits and . @ + - _)") % {"name": username})
        role = choice(row, "role", C["role"].title, Role.choices)
        if role in PRIVILEGED:
            raise RowError(_("the three administrators' roles (三员) are assigned by the security administrator, "
                             "not by an import"))
        if username in context["privileged"]:
            raise RowError(_("%(name)s is one of the three administrators (三员): the security administrator "
                             "manages that account") % {"name": username})
        full_name = required(row, "full_name", C["full_name"].title, 32)
        if context["names"].setdefault(username, full_name) != full_name:
            raise RowError(_("%(name)s has two different full names in the file") % {"name": username})
        region, grids = row.get("region", ""), [g for g in re.split(r"[;；,，\s]+", row.get("grids", "")) if g]
        unit, role_unit = row.get("unit", ""), row.get("role_unit", "")
        for code, known in ((region, context["regions"]), (unit, context["units"]), (role_unit, context["units"])):
            if code and code not in known:
                raise RowError(_("no area or unit has the code %(code)s") % {"code": code})
        unknown = [g for g in grids if g not in context["grids"]]
        if unknown:
            raise RowError(_("no grid has the code %(code)s") % {"code": unknown[0]})
        if role == Role.GRID_WORKER and not grids:
            raise RowError(_("a grid worker needs at least one grid"))
        if role == Role.HANDLER and not (role_unit or region):
            raise RowError(_("a unit handler needs the unit of the role (or an area)"))
        return {"username": username, "full_name": full_name, "phone": optional(row, "phone", C["phone"].title, 32),
                "unit_id": context["units"].get(unit), "role": role, "region_id": context["regions"].get(region),
                "grid_ids": [context["grids"][g] for g in grids], "role_unit_id": context["units"].get(role_unit),
                "active": yes_no(row, "active", C["active"].title)}

    def write(self, records, actor) -> dict:
        by_user = defaultdict(list)
        for r in records:
            by_user[r["username"]].append(r)
        created = 0
        for username, rows in by_user.items():
            user, made = _account(username, rows[0])
            created += made
            _person(user, rows[0])
            RoleAssignment.objects.filter(user=user).exclude(role__in=PRIVILEGED | {Role.RESIDENT}).delete()
            for r in rows:
                assignment = RoleAssignment.objects.create(user=user, role=r["role"], region_id=r["region_id"],
                                                           unit_id=r["role_unit_id"])
                assignment.grids.set(r["grid_ids"])
        return {"people": len(by_user), "created": created, "roles": len(records)}


def _account(username: str, first: dict):
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, is_active=first["active"])
        user.set_unusable_password()  # no password travels in a spreadsheet
        user.save()
        return user, True
    if user.is_active != first["active"]:
        User.objects.filter(pk=user.pk).update(is_active=first["active"])
    return user, False


def _person(user, first: dict) -> None:
    person = Person.objects.filter(user=user).first() or Person(user=user)
    person.full_name, person.unit_id = first["full_name"], first["unit_id"]
    if "*" not in first["phone"]:  # a masked phone from an export: keep the real one
        person.phone = first["phone"]
    person.save()
