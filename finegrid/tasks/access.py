"""Who sees which key tasks: the 督查室 and the leaders every one; a unit's handlers those their
unit leads or helps with; the organisation department the evaluation and the cadre records (with
a cadre's own leaders). Administrators hold none of these roles and see no business data."""

from dataclasses import dataclass

from django.db.models import Q

from finegrid.org.models import Role, RoleAssignment

from .models import CadreRecord, KeyTask, Problem


@dataclass(frozen=True)
class Access:
    user: object
    roles: frozenset
    units: frozenset  # the units the user handles for

    @classmethod
    def of(cls, user) -> "Access":
        if not user.is_authenticated or not user.is_active:
            return cls(user, frozenset(), frozenset())
        held = list(RoleAssignment.objects.filter(user=user).values_list("role", "unit_id"))
        return cls(user, frozenset(role for role, _ in held),
                   frozenset(unit for role, unit in held if role == Role.HANDLER and unit))

    @property
    def office(self) -> bool:
        return Role.SUPERVISION_OFFICE in self.roles

    @property
    def leader(self) -> bool:
        return Role.LEADER in self.roles

    @property
    def all_tasks(self) -> bool:
        return self.office or self.leader

    @property
    def evaluation(self) -> bool:
        return Role.ORGANISATION in self.roles or self.leader

    @property
    def any_task(self) -> bool:
        return self.all_tasks or bool(self.units)

    def tasks(self):
        rows = KeyTask.objects.all()
        if self.all_tasks:
            return rows
        if not self.units:
            return rows.none()
        return rows.filter(Q(unit_id__in=self.units) | Q(co_units__in=self.units)).distinct()

    def problems(self):
        rows = Problem.objects.all()
        if self.all_tasks:
            return rows
        return rows.filter(unit_id__in=self.units) if self.units else rows.none()

    def cadre_records(self):
        """The organisation department reads every record; a leader those of the cadres they lead."""
        rows = CadreRecord.objects.all()
        if Role.ORGANISATION in self.roles:
            return rows
        return rows.filter(superior=self.user) if self.leader else rows.none()
