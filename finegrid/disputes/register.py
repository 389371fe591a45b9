"""登记: a dispute enters the register with its parties, its place and its risk, or is refused with
the field that is wrong named — the console form and the API both come here."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from finegrid.grid.models import Grid

from .access import roles_over
from .engine import DISPUTES, REGISTRARS, one_month_after
from .models import Dispute, Field, Party, Risk

PHONE_DIGITS = range(7, 13)


class DisputeError(ValueError):
    """A registration refused: `field` names the input that is wrong."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


@dataclass
class NewParty:
    name: str
    side: str
    phone: str = ""


@dataclass
class NewDispute:
    title: str
    field: str
    risk: str
    risk_reason: str
    parties: list = field(default_factory=list)
    grid_code: str = ""
    lon: float | None = None
    lat: float | None = None
    description: str = ""
    address: str = ""
    project_ref: str = ""
    building_ref: str = ""
    petition_ref: str = ""


def register(given: NewDispute, actor, now: datetime) -> Dispute:
    """Checks `given`, then saves the dispute with its first history row and its parties. The
    month of mediation starts now (人民调解工作若干规定: from the committee's taking it)."""
    dispute = _checked(given)
    if actor is not None and not REGISTRARS & roles_over(actor, dispute):
        raise DisputeError("area", _("this place is outside your area"))
    dispute.registered_at = dispute.clock_start = dispute.next_check_at = now
    dispute.due_at = one_month_after(now)
    with transaction.atomic():
        DISPUTES.open(dispute, "register", actor, now=now)
        Party.objects.bulk_create([Party(dispute=dispute, name=p.name.strip(), side=p.side, phone=_digits(p.phone))
                                   for p in given.parties])
    return dispute


def _checked(given: NewDispute) -> Dispute:
    if not given.title.strip():
        raise DisputeError("title", _("give the dispute a title"))
    if given.field not in Field.values:
        raise DisputeError("field", _("choose one of %(choices)s") % {"choices": ", ".join(Field.values)})
    if given.risk not in Risk.values:
        raise DisputeError("risk", _("choose red, orange or yellow"))
    if not given.risk_reason.strip():
        raise DisputeError("risk_reason", _("a risk level needs its reason"))
    _check_parties(given.parties)
    return Dispute(title=given.title.strip()[:120], field=given.field, risk=given.risk,
                   risk_reason=given.risk_reason.strip()[:500], area_code=_place(given), lon=given.lon, lat=given.lat,
                   description=given.description.strip(), address=given.address.strip()[:200],
                   project_ref=given.project_ref.strip()[:64], building_ref=given.building_ref.strip()[:64],
                   petition_ref=given.petition_ref.strip()[:32])


def _check_parties(parties) -> None:
    sides = {p.side for p in parties}
    if not {Party.Side.APPLICANT, Party.Side.RESPONDENT} <= sides:
        raise DisputeError("parties", _("a dispute has an applicant and a respondent"))
    for p in parties:
        if p.side not in Party.Side.values or not p.name.strip():
            raise DisputeError("parties", _("each party has a name and a side (applicant or respondent)"))
        if p.phone and len(_digits(p.phone)) not in PHONE_DIGITS:
            raise DisputeError("parties", _("%(name)s: a phone number has 7 to 12 digits") % {"name": p.name})


def _digits(phone: str) -> str:
    return "".join(ch for ch in phone or "" if ch.isdigit())


def _place(given: NewDispute) -> str:
    """The grid the dispute is in: the one named, or the one the point falls in."""
    if given.grid_code:
        if not Grid.objects.filter(code=given.grid_code).exists():
            raise DisputeError("grid_code", _("no grid has the code %(code)s") % {"code": given.grid_code})
        return given.grid_code
    if given.lon is None or given.lat is None:
        raise DisputeError("grid_code", _("give the grid or a point on the map"))
    from finegrid.grid.locate import locate

    found = locate(given.lon, given.lat)
    code = found.grid_code if found else ""
    if not code:
        raise DisputeError("lon", _("the point is in no grid of the district"))
    return code
