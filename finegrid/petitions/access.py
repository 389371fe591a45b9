"""Who sees which petitions, and who reads a petitioner's identity whole.

The petition office sees every petition; the district's leaders see every petition and every
包案; a unit's handler sees the petitions given to the unit; nobody else — the three
administrators included — sees any. The 证件 number and the phone are read whole only by the
petition office and by the leader who owns the matter (包案); everyone else gets them masked,
and every whole read is audited."""

from django.db.models import Q

from finegrid.core.models import audit
from finegrid.org.models import Role, RoleAssignment

from .identity import unseal
from .models import Petition


def roles_of(user) -> set:
    if not user.is_authenticated:
        return set()
    return set(RoleAssignment.objects.filter(user=user).values_list("role", flat=True))


def units_of(user) -> list[int]:
    return list(RoleAssignment.objects.filter(user=user, role=Role.HANDLER, unit__isnull=False)
                .values_list("unit_id", flat=True))


def visible_petitions(user):
    roles = roles_of(user)
    rows = Petition.objects.all()
    if roles & {Role.PETITION_OFFICE, Role.LEADER}:
        return rows
    if Role.HANDLER in roles:
        return rows.filter(Q(unit__in=units_of(user)))
    return rows.none()


def reads_whole(user, petition: Petition) -> bool:
    return Role.PETITION_OFFICE in roles_of(user) or (petition.leader_id is not None and petition.leader_id == user.pk)


def identity(petition: Petition, user) -> dict:
    """The petitioner as `user` may see them; a whole read is written to the audit log."""
    person = petition.petitioner
    if person is None:
        return {"name": "", "id_type": "", "id_number": "", "phone": "", "address": "", "whole": False}
    shown = {"name": person.name, "id_type": person.get_id_type_display(), "address": person.address}
    if reads_whole(user, petition):
        audit("petitions.identity_read", target=petition.number, actor=user, petitioner=person.pk)
        return {**shown, "id_number": unseal(person.id_sealed), "phone": person.phone, "whole": True}
    return {**shown, "id_number": person.id_masked, "phone": person.masked_phone(), "whole": False}
