"""Petitions in the REST API (/api/v1/petitions), under the cases API's authentication (a bearer
token or a signed-in session). Registration refuses a bad field with a 422 naming it; what a
caller sees is `access.visible_petitions`; what they may do is the machine's `allowed`. The
router joins the cases API when the URLconf is read (`PetitionsConfig.api_routes`; cases never
imports petitions)."""

from datetime import datetime

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError, ValidationError
from pydantic import ConfigDict, StrictBool

from finegrid.cases.api import Error, api
from finegrid.cases.machine import TransitionError
from finegrid.org.models import Role, Unit

from . import access
from .engine import PETITIONS
from .models import Petition
from .registration import RegistrationError, Submission, register

router = Router(tags=["petitions"])


class PetitionIn(Schema):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    channel: Petition.Channel
    matter: str = Field(min_length=1, max_length=5000)
    demand: str = Field("", max_length=2000)
    name: str = Field("", max_length=64)
    id_type: str = Field("resident", description="resident | passport | other")
    id_number: str = Field("", max_length=32, description="18-digit resident ID, checked (GB 11643)")
    phone: str = Field("", max_length=32, pattern=r"^[0-9+\- ]*$")
    address: str = Field("", max_length=200)
    anonymous: StrictBool = Field(False, description="an anonymous letter: no name, number or phone")
    kind: str = Field("", description="proposal | accusation | claim | legal")
    field: str = Field("", max_length=16, description="保交楼, 征迁, 落私, 劳资, 物业 …")
    area_code: str = Field("", pattern=r"^(\d{6,18})?$")
    level: Petition.Level = Petition.Level.DISTRICT


class PetitionOut(Schema):
    number: str
    state: str
    channel: str
    kind: str
    field: str
    unit: str | None
    registered_at: datetime
    due_at: datetime | None
    alarm: str


class StepOut(Schema):
    seq: int
    action: str
    at: datetime
    actor: str
    document: str | None


class PetitionDetail(PetitionOut):
    matter: str
    demand: str
    petitioner: dict
    extension_count: int
    window_ends: datetime | None
    history: list[StepOut]
    actions: list[str]


class ActionIn(Schema):
    model_config = ConfigDict(extra="forbid")
    action: str
    reason: str = ""
    unit: str = Field("", description="a unit's code, for 转送/交办")
    data: dict = Field(default_factory=dict)


def _out(p: Petition) -> dict:
    return {"number": p.number, "state": p.state, "channel": p.channel, "kind": p.kind, "field": p.field,
            "unit": p.unit.code if p.unit_id else None, "registered_at": p.registered_at, "due_at": p.due_at,
            "alarm": p.alarm}


def _detail(p: Petition, user) -> dict:
    history = [{"seq": r.seq, "action": r.action, "at": r.at, "actor": r.actor_label,
                "document": r.data.get("document", {}).get("title")} for r in p.transitions.order_by("seq")]
    return {**_out(p), "matter": p.matter, "demand": p.demand, "petitioner": access.identity(p, user),
            "extension_count": p.extension_count, "window_ends": p.window_ends, "history": history,
            "actions": [a.name for a in PETITIONS.allowed(p, user)]}


def _petition_or_404(user, number: str) -> Petition:
    found = access.visible_petitions(user).select_related("unit", "petitioner").filter(number=number).first()
    if found is None:
        raise HttpError(404, "no such petition")
    return found


@router.get("/petitions", response=list[PetitionOut], summary="Petitions the caller may see")
def list_petitions(request: HttpRequest, state: str = "", limit: int = 50):
    rows = access.visible_petitions(request.auth).select_related("unit").order_by("due_at", "-pk")
    if state:
        rows = rows.filter(state=state)
    return [_out(p) for p in rows[:max(1, min(limit, 200))]]


@router.post("/petitions", response={201: PetitionDetail, 403: Error}, summary="Register a petition (登记)")
def create_petition(request: HttpRequest, body: PetitionIn):
    if Role.PETITION_OFFICE not in access.roles_of(request.auth):
        raise HttpError(403, "only the petition office registers petitions")
    try:
        petition = register(Submission(**body.dict()), request.auth, now=timezone.now())
    except RegistrationError as error:
        raise ValidationError([{"type": "value_error", "loc": ["body", "body", error.field], "msg": error.message}])
    return Status(201, _detail(Petition.objects.select_related("unit", "petitioner").get(pk=petition.pk), request.auth))


@router.get("/petitions/{number}", response=PetitionDetail, summary="A petition, its history and its actions")
def petition_detail(request: HttpRequest, number: str):
    return _detail(_petition_or_404(request.auth, number), request.auth)


@router.post("/petitions/{number}/actions", response={200: PetitionDetail, 409: Error},
             summary="Take an action of the chain")
def take_petition_action(request: HttpRequest, number: str, body: ActionIn):
    petition = _petition_or_404(request.auth, number)
    unit = Unit.objects.filter(code=body.unit).first() if body.unit else None
    if body.unit and unit is None:
        raise ValidationError([{"type": "value_error", "loc": ["body", "body", "unit"], "msg": "no such unit"}])
    try:
        PETITIONS.perform(petition, body.action, request.auth, reason=body.reason, unit=unit, data=body.data)
    except TransitionError as error:
        return Status(409, {"detail": str(error)})
    return Status(200, _detail(_petition_or_404(request.auth, number), request.auth))


api.add_router("", router)  # /api/v1/petitions… beside the cases
