"""A dispute's steps in the JSON API: `POST /api/v1/disputes/{id}/actions/{action}`, one route per
action a person takes, each with its own body schema read off the action table (so the OpenAPI
schema says what each step takes). The step goes the form's way — `cases.posted.take_posted`, the
machine's own checks and its version — so the API and the page are refused in the same words:
a stale version is a 409, a wrong or missing input a 422 naming the field, a step the caller may
not take a 403, one the dispute's state does not allow a 400. The same scopes as the pages."""

from django.http import QueryDict
from django.utils.translation import gettext as _
from ninja import Field as Described
from ninja import Schema
from ninja.errors import HttpError, ValidationError
from pydantic import ConfigDict, StrictBool, StrictInt, create_model

from finegrid.cases.api import Error
from finegrid.cases.machine import Conflict, TransitionError
from finegrid.cases.posted import take_posted

from .access import visible_disputes
from .engine import DISPUTES
from .models import Referral, Risk

TYPES = {"int": StrictInt, "bool": StrictBool, "risk": Risk, "referral": Referral}
DESCRIBED = {"unit": "a mediation committee's unit code", "user": "a grid worker's or street handler's username"}


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


def _step_schema(act) -> type[Schema]:
    """The body of one action: the version seen, the reason, and the action's own inputs by name."""
    fields = {"version": (StrictInt | None, Described(None, description="the version the client saw; another one → 409")),
              "reason": (str, Described("", max_length=2000, description="required" if act.needs_reason else ""))}
    for given in act.inputs:
        kind = str if given.kind in ("unit", "user") else TYPES.get(given.kind, str)
        limit = {"max_length": 32 if given.kind == "unit" else 4000} if kind is str else {}
        about = DESCRIBED.get(given.kind, str(given.label or given.name))
        fields[given.name] = (kind, Described(..., description=about, **limit)) if given.required else \
            (kind | None, Described(None, description=about, **limit))
    return create_model(f"Dispute{act.name.title().replace('_', '')}Step", __base__=Strict, **fields)


def _as_post(body) -> QueryDict:
    """The body as the page would have posted it: take_posted reads each input by its kind."""
    post = QueryDict(mutable=True)
    for name, value in body.model_dump(exclude_none=True).items():
        post[name] = ("true" if value else "") if isinstance(value, bool) else str(value)
    return post


def _refused(act, error: TransitionError):
    """A refusal that names one of the action's inputs ("days: …") is a 422 on that field."""
    text = str(error)
    named = next((given.name for given in act.inputs if text.startswith(f"{given.name}:")), None)
    if named:
        raise ValidationError([{"type": "value_error", "loc": ["body", "body", named], "msg": text}])
    raise HttpError(400, text)


def _route(router, act, detail, schema):
    Body = _step_schema(act)

    def take(request, dispute_id: int, body: Body):
        dispute = visible_disputes(request.auth).select_related("unit").filter(pk=dispute_id).first()
        if dispute is None:
            raise HttpError(404, _("no such dispute"))
        if DISPUTES.authority(request.auth, act, dispute) is None:
            raise HttpError(403, _("you may not %(action)s this dispute") % {"action": str(act.label).lower()})
        try:
            take_posted(DISPUTES, dispute, act, request, post=_as_post(body), actor=request.auth)
        except Conflict as error:
            raise HttpError(409, str(error))
        except TransitionError as error:
            _refused(act, error)
        return detail(visible_disputes(request.auth).select_related("unit", "mediator").get(pk=dispute.pk), request.auth)

    take.__name__ = f"dispute_{act.name}"
    router.post(f"/{{dispute_id}}/actions/{act.name}", response={200: schema, 400: Error, 401: Error, 403: Error,
                                                               404: Error, 409: Error},
                summary=str(act.label), operation_id=f"dispute_action_{act.name}")(take)


def add_action_routes(router, detail, schema) -> None:
    """One route per action a person takes (the system alone warns and escalates)."""
    for act in DISPUTES.actions.values():
        if not act.automatic and act.roles - {"system"}:
            _route(router, act, detail, schema)
