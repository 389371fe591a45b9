"""登记: a petition's registration, checked field by field (the error names the field), with its
petitioner found or made, its person keys indexed and its links proposed."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from finegrid.org.privacy import mask_id_number

from . import linking
from .engine import PETITIONS
from .identity import id_problem, key_of, normal_id, normal_phone, seal
from .models import Petition, Petitioner
from .rules import local_day, period_end, rule_in_force

P = Petition
NO_ID_CHANNELS = frozenset({P.Channel.PHONE, P.Channel.ONLINE, P.Channel.HOTLINE})  # a phone number suffices


class RegistrationError(ValueError):
    """A submission that cannot be registered: `field` names the input at fault."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


@dataclass
class Submission:
    channel: str
    matter: str
    demand: str = ""
    name: str = ""
    id_type: str = Petitioner.IdType.RESIDENT
    id_number: str = ""
    phone: str = ""
    address: str = ""
    anonymous: bool = False
    kind: str = ""
    field: str = ""
    area_code: str = ""
    level: str = P.Level.DISTRICT
    people_count: int = 1


def check(sub: Submission) -> None:
    if sub.channel not in P.Channel.values:
        raise RegistrationError("channel", _("one of %(values)s") % {"values": ", ".join(P.Channel.values)})
    if not sub.matter.strip():
        raise RegistrationError("matter", _("say what the petition is about"))
    if sub.kind and sub.kind not in P.Kind.values:
        raise RegistrationError("kind", _("one of %(values)s") % {"values": ", ".join(P.Kind.values)})
    if sub.level not in P.Level.values:
        raise RegistrationError("level", _("one of %(values)s") % {"values": ", ".join(P.Level.values)})
    if sub.anonymous:
        _check_anonymous(sub)
    else:
        _check_person(sub)


def _check_anonymous(sub: Submission) -> None:
    if sub.channel != P.Channel.LETTER:
        raise RegistrationError("anonymous", _("only a letter may be anonymous"))
    if sub.name or sub.id_number or sub.phone:
        raise RegistrationError("anonymous", _("an anonymous letter carries no name, 证件 number or phone"))


def _check_person(sub: Submission) -> None:
    if not sub.name.strip():
        raise RegistrationError("name", _("the petitioner's name (or mark the letter anonymous)"))
    if sub.id_type not in Petitioner.IdType.values:
        raise RegistrationError("id_type", _("one of %(values)s") % {"values": ", ".join(Petitioner.IdType.values)})
    if sub.id_number and sub.id_type == Petitioner.IdType.RESIDENT and (problem := id_problem(sub.id_number)):
        raise RegistrationError("id_number", _("not a valid resident ID number: %(problem)s") % {"problem": problem})
    if not sub.id_number and sub.channel not in NO_ID_CHANNELS:
        raise RegistrationError("id_number", _("a letter or a visit gives the petitioner's 证件 number"))
    if not sub.id_number and len(normal_phone(sub.phone)) < 7:
        raise RegistrationError("phone", _("without a 证件 number, a phone number to reach the petitioner"))


def petitioner_for(sub: Submission) -> Petitioner | None:
    if sub.anonymous:
        return None
    number = normal_id(sub.id_number)
    id_key = key_of("id", number)
    found = Petitioner.objects.filter(id_key=id_key).first() if id_key else None
    if found:
        return found
    return Petitioner.objects.create(name=sub.name.strip(), id_type=sub.id_type, id_sealed=seal(number),
                                     id_masked=mask_id_number(number), id_key=id_key, phone=normal_phone(sub.phone),
                                     address=sub.address.strip())


def next_number(now) -> str:
    prefix = f"XF{local_day(now):%Y%m}"
    last = Petition.objects.filter(number__startswith=prefix).aggregate(last=Max("number"))["last"]
    return f"{prefix}{int(last[-5:]) + 1 if last else 1:05d}"


@transaction.atomic
def register(sub: Submission, actor=None, *, now, calendar=None) -> Petition:
    """登记: the 15 days to 转送/交办 (or handle it by its class) start at once."""
    check(sub)
    from finegrid.cases.deadlines import calendar_in_force

    rule = rule_in_force(local_day(now))
    due = period_end(now, rule.days["transfer"], rule, calendar or calendar_in_force())
    petition = Petition(
        number=next_number(now), rule_version=rule.version, channel=sub.channel, level=sub.level,
        kind=sub.kind, field=sub.field, anonymous=sub.anonymous, petitioner=petitioner_for(sub),
        people_count=sub.people_count, matter=sub.matter.strip(), demand=sub.demand.strip(),
        area_code=sub.area_code, registered_at=now, clock_start=now, clock_days=rule.days["transfer"],
        due_at=due, next_check_at=now)
    PETITIONS.open(petition, "register", actor, now=now, data={"channel": sub.channel})
    keys = linking.keys_of_petition(petition)
    linking.index("petition", petition.pk, keys)
    linking.propose(petition, keys)
    return petition
