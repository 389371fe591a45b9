"""Disputes in the JSON API (/api/v1/disputes): the register, one dispute, a registration. The
same scopes as the console (`access.visible_disputes`); a registration that breaks a rule is a 422
naming the field, as the schema's own errors are."""

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field as Described
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError, ValidationError
from pydantic import ConfigDict

from finegrid.cases.api import Error, api

from .access import dispute_scope, parties_for, visible_disputes
from .api_actions import add_action_routes
from .models import Dispute, Field, Party, Referral, Risk
from .register import DisputeError, NewDispute, NewParty, register

router = Router(tags=["disputes"])
PAGE_SIZE = 50


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class PartyIn(Strict):
    name: str = Described(max_length=64)
    side: Party.Side
    phone: str = Described("", max_length=20)


class DisputeIn(Strict):
    title: str = Described(max_length=120)
    field: Field
    risk: Risk
    risk_reason: str = Described(description="required: why this risk level", max_length=500)
    parties: list[PartyIn] = Described(description="at least one applicant and one respondent")
    grid_code: str = Described("", max_length=15, description="the grid; or give lon and lat")
    lon: float | None = None
    lat: float | None = None
    description: str = Described("", max_length=5000)
    address: str = Described("", max_length=200)
    project_ref: str = Described("", max_length=64, description="a 保交楼 project's code")
    building_ref: str = Described("", max_length=64)
    petition_ref: str = Described("", max_length=32)


class PartyOut(Schema):
    name: str
    side: str
    phone: str = Described(description="masked except for the mediator, street handlers and the petition office")


class StepOut(Schema):
    seq: int
    action: str
    actor: str
    at: datetime
    reason: str
    data: dict


class DisputeItem(Schema):
    id: int
    number: str
    title: str
    field: Field
    risk: Risk
    risk_reason: str
    state: Dispute.State
    area_code: str
    registered_at: datetime
    due_at: datetime | None
    alarm: str
    referral: Referral | None


class DisputeDetail(DisputeItem):
    description: str
    address: str
    unit: str | None
    mediator: str | None
    agreement: str
    problem_solved: str
    minds_eased: str
    help_given: str
    broken: bool
    project_ref: str
    building_ref: str
    petition_ref: str
    parties: list[PartyOut]
    history: list[StepOut]


class DisputePage(Schema):
    count: int
    page: int
    results: list[DisputeItem]


class Filters(Strict):
    field: Field | None = None
    risk: Risk | None = None
    state: Dispute.State | None = None
    street: str | None = Described(None, pattern=r"^\d{9}$")
    project: str | None = Described(None, max_length=64, description="a 保交楼 project's disputes together")
    page: int = Described(1, ge=1)


def _item(d: Dispute) -> dict:
    return {"id": d.pk, "number": d.number, "title": d.title, "field": d.field, "risk": d.risk,
            "risk_reason": d.risk_reason, "state": d.state, "area_code": d.area_code, "registered_at": d.registered_at,
            "due_at": d.due_at, "alarm": d.alarm, "referral": d.referral or None}


def _detail(d: Dispute, user) -> dict:
    history = [{"seq": t.seq, "action": t.action, "actor": t.actor_label, "at": t.at, "reason": t.reason,
                "data": t.data} for t in d.transitions.order_by("seq")]
    return {**_item(d), "description": d.description, "address": d.address,
            "unit": d.unit.name if d.unit else None, "mediator": d.mediator.username if d.mediator else None,
            **{name: getattr(d, name) for name in ("agreement", "problem_solved", "minds_eased", "help_given",
                                                   "broken", "project_ref", "building_ref", "petition_ref")},
            "parties": parties_for(user, d, purpose="api"), "history": history}


def filtered(rows, given):
    for name in ("field", "risk", "state"):
        if getattr(given, name):
            rows = rows.filter(**{name: getattr(given, name)})
    if given.street:
        rows = rows.filter(area_code__startswith=given.street)
    if given.project:
        rows = rows.filter(project_ref=given.project)
    return rows


@router.get("", response={200: DisputePage, 401: Error}, summary="The disputes in your area")
def list_disputes(request, filters: Query[Filters]):
    rows = filtered(visible_disputes(request.auth), filters).order_by("-registered_at", "-pk")
    start = (filters.page - 1) * PAGE_SIZE
    return {"count": rows.count(), "page": filters.page, "results": [_item(d) for d in rows[start:start + PAGE_SIZE]]}


@router.get("/{dispute_id}", response={200: DisputeDetail, 401: Error, 404: Error}, summary="One dispute")
def dispute_detail(request, dispute_id: int):
    dispute = visible_disputes(request.auth).select_related("unit", "mediator").filter(pk=dispute_id).first()
    if dispute is None:
        raise HttpError(404, _("no such dispute"))
    return _detail(dispute, request.auth)


@router.post("", response={201: DisputeDetail, 401: Error, 403: Error}, summary="Register a dispute")
def register_dispute(request, payload: DisputeIn):
    if dispute_scope(request.auth).is_empty:
        raise HttpError(403, _("you register no disputes"))
    given = NewDispute(**{**payload.dict(exclude={"parties"}),
                          "parties": [NewParty(p.name, p.side, p.phone) for p in payload.parties]})
    try:
        dispute = register(given, request.auth, timezone.now())
    except DisputeError as error:
        raise ValidationError([{"type": "value_error", "loc": ["body", "payload", error.field], "msg": error.message}])
    return Status(201, _detail(dispute, request.auth))


add_action_routes(router, _detail, DisputeDetail)
api.add_router("/disputes", router)
