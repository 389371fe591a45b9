"""The JSON REST API for cases (/api/v1/), with its OpenAPI schema and docs page.

Each handler keeps one order: authenticate (session + CSRF, or a bearer token) → validate a
strict schema → call the domain (`workflow.perform`) → serialise. What a
user may see is `visible_cases`; what they may do is the workflow's own `allowed_actions`.
`POST /cases` opens a case through the intake entrance: it lives in `intake/api.py` and joins this
API when the URLconf is read (`urls()`, the apps' `api_routes`), so that cases never imports the app
above it."""

import json
from datetime import datetime
from importlib import import_module
from pathlib import Path
from typing import Literal

import ninja
from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Query, Schema, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.docs import Swagger
from ninja.security import HttpBearer, SessionAuth
from pydantic import ConfigDict, StrictBool, StrictInt, create_model

from finegrid.core.declared import declared
from finegrid.core.models import ApiToken
from finegrid.org.models import Unit

from .actions import ACTIONS, SYSTEM, Action
from .listing import COUNT_CAP, CaseFilters, filtered, page_of
from .models import Case, Transition
from .visibility import Viewer, visible_cases
from .workflow import Conflict, TransitionError, allowed_actions, perform

# ── Authentication ────────────────────────────────────────────────────────────────────────────



class BearerToken(HttpBearer):
    """`Authorization: Bearer <token>`. A request that sends an Authorization header is judged by
    it alone: a wrong or revoked token is a 401 even when a session cookie rides along."""

    def __call__(self, request):
        if "Authorization" not in request.headers:
            return None  # let the session try
        user = super().__call__(request)
        if user is None:
            raise AuthenticationError()
        return user

    def authenticate(self, request, token):
        record = ApiToken.find(ApiToken.Purpose.API, token)  # an Open311 api_key is no bearer token
        if record is None or not record.user.is_active:
            return None
        return record.user


class Session(SessionAuth):
    """Django's session, with ninja's CSRF check on unsafe methods. The check runs only for a
    signed-in session, so a request with no credentials at all is a plain 401."""

    def _get_key(self, request):
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)


# ── The docs page, offline ────────────────────────────────────────────────────────────────────

# Swagger UI from the files ninja ships, served by this API itself: ninja's default page would
# load them from a CDN (its local template needs `ninja` in INSTALLED_APPS and collectstatic).
DOCS_ASSETS = Path(ninja.__file__).parent / "static" / "ninja"
DOCS_FILES = {"swagger-ui.css": "text/css", "swagger-ui-bundle.js": "text/javascript",
              "swagger-ui-init.js": "text/javascript"}
DOCS_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{title}</title>
<link rel="stylesheet" href="{assets}swagger-ui.css"></head>
<body data-csrf-token="{csrf}" data-api-csrf="true">
<script type="application/json" id="swagger-settings">{settings}</script>
<div id="swagger-ui"></div>
<script src="{assets}swagger-ui-bundle.js"></script>
<script src="{assets}swagger-ui-init.js"></script>
</body></html>"""


class OfflineSwagger(Swagger):
    def render_page(self, request, api, **kwargs):
        # validatorUrl: by default Swagger UI asks validator.swagger.io for a badge.
        settings = {**self.settings, "url": self.get_openapi_url(api, kwargs), "validatorUrl": None}
        assets = reverse(f"{api.urls_namespace}:docs_asset", args=["x"])[:-1]
        page = DOCS_PAGE.format(title=api.title, assets=assets, csrf=get_token(request),
                                settings=json.dumps(settings))
        return HttpResponse(page)


api = NinjaAPI(
    title="finegrid API", version="1", urls_namespace="api", auth=[BearerToken(), Session()],
    docs=OfflineSwagger(), docs_url="/docs",
    description="Cases of the district: list, detail, transitions and reporting. "
                "Sign in with a session (send X-CSRFToken on unsafe methods) or `Authorization: Bearer <token>` "
                "(`finegrid api-token create USERNAME NAME`). Times are ISO 8601 in UTC.",
)


def urls():
    """The API's URL patterns, every app's routes joined: the URLconf reads them through this.

    An app names the modules whose import adds its routes (`api_routes` on its AppConfig); they
    are imported here, in INSTALLED_APPS order (the order of the paths in the OpenAPI document),
    rather than when the apps are set up, so that a command serving no URL (`finegrid analyze`, a
    fresh process whose start-up is measured) does not import every API, ninja and pydantic
    behind them (measured: 0.4 s). Some routes word their summaries when they are added
    (disputes' steps): in the default language, as at set-up, whichever language the request
    that first reads the URLconf has switched on."""
    with translation.override(settings.LANGUAGE_CODE):
        for module in declared("api_routes"):
            import_module(module)
    return api.urls


@api.get("/docs/assets/{name}", auth=None, include_in_schema=False, url_name="docs_asset")
def docs_asset(request, name: str):
    if name not in DOCS_FILES:
        raise HttpError(404, _("no such file"))
    response = FileResponse((DOCS_ASSETS / name).open("rb"), content_type=DOCS_FILES[name])
    response["Cache-Control"] = "public, max-age=86400"
    return response


def _case_or_404(viewer: Viewer, ticket: str) -> Case:
    case = visible_cases(viewer).select_related("category", "unit", "master").filter(ticket=ticket).first()
    if case is None:  # also when it exists outside the scope: do not reveal which tickets exist
        raise HttpError(404, _("no such case"))
    return case


# ── Schemas ───────────────────────────────────────────────────────────────────────────────────


class Error(Schema):
    detail: str


class Ref(Schema):
    code: str
    name: str


class CaseItem(Schema):
    ticket: str
    title: str
    state: Case.State
    state_label: str
    category: Ref | None
    unit: Ref | None
    area_code: str
    address: str
    channel: Case.Channel
    urgency: str
    alarm: str
    reported_at: datetime
    due_at: datetime | None
    reporter_name: str = Field(description="empty for an anonymous case")
    reporter_phone: str = Field(description="masked (138****5678) except for the desks that call reporters back "
                                            "(an anonymous reporter's: the call-back desk alone); each whole one is audited")
    version: int = Field(description="send it back with a transition to be told (409) if the case changed")


class TransitionOut(Schema):
    seq: int
    action: str
    label: str
    from_state: str
    to_state: str
    actor: str
    role: str
    at: datetime
    reason: str
    data: dict


class InputOut(Schema):
    name: str
    kind: str
    required: bool


class ActionOut(Schema):
    name: str
    label: str
    needs_reason: bool
    photos: bool
    inputs: list[InputOut]  # what `data` may carry for it (the unit goes in `unit`)


class CaseDetail(CaseItem):
    description: str
    lon: float | None
    lat: float | None
    anonymous: bool
    accepted_at: datetime | None
    dispatched_at: datetime | None
    handled_at: datetime | None
    closed_at: datetime | None
    due_provisional: bool
    rating: int | None
    escalation: int
    extension_pending: bool
    rework_count: int
    reassign_count: int
    extension_count: int
    master: str | None = Field(description="the ticket this case was merged into")
    history: list[TransitionOut]
    allowed_actions: list[ActionOut]


class CasePage(Schema):
    """One page of a list. `count` is exact up to 5,000; past that it stays 5,000, `count_capped`
    is true, and pages stop there (narrow the filters)."""

    count: int
    count_capped: bool = Field(description="true when the list is longer than `count` (the cap)")
    page: int
    page_size: int
    results: list[CaseItem]


class TransitionDone(Schema):
    transition: TransitionOut
    case: CaseDetail


# The actions a person takes (the system alone warns and escalates; 上报 is POST /cases).
PERSON_ACTIONS = tuple(name for name, act in ACTIONS.items() if not act.automatic and act.roles - {SYSTEM})
# The JSON type of each kind of input; the action's own check judges the value.
INPUT_TYPES = {"int": StrictInt, "bool": StrictBool}
INPUT_LENGTHS = {"limit": 16, "ticket": 20, "category": 16}


def _transition_data() -> type[Schema]:
    """The inputs an action takes beside the reason and the unit, read off the action table, so the
    API takes exactly what the console form and the workflow take."""
    fields = {}
    for act in ACTIONS.values():
        for given in act.inputs:
            if given.name != "unit" and given.name not in fields and act.name in PERSON_ACTIONS:
                kind = INPUT_TYPES.get(given.kind) or str
                limit = {"max_length": INPUT_LENGTHS.get(given.kind, 200)} if kind is str else {}
                users = ", ".join(a.name for a in ACTIONS.values() if given in a.inputs)
                fields[given.name] = (kind | None, Field(None, description=users, **limit))
    return create_model("TransitionData", __base__=StrictSchema, **fields)


class StrictSchema(Schema):
    model_config = ConfigDict(extra="forbid")


TransitionData = _transition_data()


class TransitionIn(Schema):
    model_config = ConfigDict(extra="forbid")
    action: Literal[PERSON_ACTIONS]
    reason: str = Field("", max_length=2000)
    unit: str | None = Field(None, max_length=32, description="dispatch/reassign: the unit's code")
    data: TransitionData = Field(default_factory=TransitionData)
    version: StrictInt | None = Field(None, description="the version the client saw; another one → 409")


# ── Serialising ───────────────────────────────────────────────────────────────────────────────


def _ref(obj) -> dict | None:
    return {"code": obj.code, "name": obj.name} if obj else None


# Case.get_state_display() rebuilds the whole choices table on each call; a list page needs 50.
STATE_LABELS = {state.value: state.label for state in Case.State}
# What a list row shows: the rest (the description can be thousands of characters) stays unread.
ITEM_FIELDS = ("ticket", "title", "state", "category", "unit", "area_code", "address", "channel", "urgency", "alarm",
               "reported_at", "due_at", "anonymous", "reporter_name", "reporter_phone", "reporter_phone_sealed", "version")


def _item(case: Case, viewer: Viewer, phone: str | None = None) -> dict:
    return {
        "ticket": case.ticket, "title": case.title, "state": case.state, "state_label": str(STATE_LABELS[case.state]),
        "category": _ref(case.category), "unit": _ref(case.unit), "area_code": case.area_code,
        "address": case.address, "channel": case.channel, "urgency": case.urgency, "alarm": case.alarm,
        "reported_at": case.reported_at, "due_at": case.due_at,
        "reporter_name": "" if case.anonymous else case.reporter_name, "reporter_phone": viewer.phone(case) if phone is None else phone,
        "version": case.version,
    }


def _transition(t: Transition) -> dict:
    act = ACTIONS.get(t.action)
    return {"seq": t.seq, "action": t.action, "label": str(act.label) if act else t.action,
            "from_state": t.from_state, "to_state": t.to_state, "actor": t.actor_label, "role": t.role,
            "at": t.at, "reason": t.reason, "data": t.data}


def _action(act: Action) -> dict:
    return {"name": act.name, "label": str(act.label), "needs_reason": act.needs_reason, "photos": act.photos,
            "inputs": [{"name": i.name, "kind": i.kind, "required": i.required} for i in act.inputs]}


DETAIL_FIELDS = ["description", "lon", "lat", "anonymous", "accepted_at", "dispatched_at", "handled_at", "closed_at",
                 "due_provisional", "rating", "escalation", "extension_pending", "rework_count", "reassign_count",
                 "extension_count"]


def _detail(case: Case, viewer: Viewer) -> dict:
    history = case.transitions.order_by("seq")
    return {
        **_item(case, viewer), **{name: getattr(case, name) for name in DETAIL_FIELDS},
        "master": case.master.ticket if case.master_id else None,
        "history": [_transition(t) for t in history],
        "allowed_actions": [_action(a) for a in allowed_actions(case, viewer.user)],
    }


# ── Listing ───────────────────────────────────────────────────────────────────────────────────

@api.get("/cases", response={200: CasePage, 400: Error, 401: Error}, summary="List the cases the caller may see")
def list_cases(request: HttpRequest, filters: Query[CaseFilters]):
    viewer = Viewer.of(request.auth)
    unknown = sorted(set(request.GET) - set(CaseFilters.model_fields))
    if unknown:  # a misspelt filter would otherwise list everything
        raise ValidationError([{"type": "extra_forbidden", "loc": ["query", name], "msg": "unknown parameter"}
                               for name in unknown])
    offset = (filters.page - 1) * filters.page_size
    if offset + filters.page_size > COUNT_CAP:
        raise HttpError(400, _("only the first %(cap)d cases of a list are paged; narrow the filters") % {"cap": COUNT_CAP})
    cases = filtered(visible_cases(viewer), filters, timezone.now())
    rows, count = page_of(cases.only(*ITEM_FIELDS).prefetch_related("category", "unit"), filters.ordering, offset,
                          filters.page_size)
    phones = viewer.phones(rows)  # one audit entry for the page's whole numbers
    return {"count": min(count, COUNT_CAP), "count_capped": count > COUNT_CAP, "page": filters.page,
            "page_size": filters.page_size, "results": [_item(case, viewer, phones[case.pk]) for case in rows]}


# ── One case ──────────────────────────────────────────────────────────────────────────────────


@api.get("/cases/{ticket}", response={200: CaseDetail, 401: Error, 404: Error},
         summary="A case with its history and the actions the caller may take")
def case_detail(request: HttpRequest, ticket: str):
    viewer = Viewer.of(request.auth)
    return _detail(_case_or_404(viewer, ticket), viewer)


@api.post("/cases/{ticket}/transitions", response={201: TransitionDone, 400: Error, 401: Error, 403: Error,
                                                   404: Error, 409: Error}, summary="Take an action on a case")
def take_action(request: HttpRequest, ticket: str, body: TransitionIn):
    viewer = Viewer.of(request.auth)
    case = _case_or_404(viewer, ticket)
    if body.version is not None and body.version != case.version:
        raise HttpError(409, _("the case changed since version %(version)d; reload it") % {"version": body.version})
    unit = None
    if body.unit:
        unit = Unit.objects.filter(code=body.unit).first()
        if unit is None:
            raise HttpError(400, _("no unit has the code %(code)s") % {"code": body.unit})
    data = body.data.model_dump(exclude_none=True)
    try:
        transition = perform(case, body.action, viewer.user, reason=body.reason, unit=unit, data=data)
    except Conflict as error:
        raise HttpError(409, str(error))
    except TransitionError as error:
        raise HttpError(400, str(error))
    # Read the case again: the action may have set off more (立案 → automatic 派遣), and it may
    # have left the caller's scope (回退 by a handler), yet the caller sees what they did.
    case = Case.objects.select_related("category", "unit", "master").get(pk=case.pk)
    return Status(201, {"transition": _transition(transition), "case": _detail(case, viewer)})
