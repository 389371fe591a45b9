"""`POST /api/v1/cases`: an operator opens a case through the intake entrance, with the same
checks as every channel. The handler joins the cases API (`cases.api.api`) when the URLconf is
read (`IntakeConfig.api_routes`): cases sits below intake and never imports it."""

from typing import Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Schema, Status
from ninja.errors import HttpError, ValidationError
from pydantic import ConfigDict, StrictBool, model_validator

from finegrid.cases.api import CaseDetail, Error, _detail, api
from finegrid.cases.models import Case
from finegrid.cases.visibility import OPENER_ROLES, Viewer

from .entrance import take_in
from .intake import IntakeError, Submission


class CaseIn(Schema):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    title: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=5000)
    category: str = Field("", max_length=16, description="category code (empty: the operator classifies)")
    # strict: a JSON false or "39.9" is no degree (lax float() made `"lat": false` the equator)
    lon: float | None = Field(None, ge=-180, le=180, allow_inf_nan=False, strict=True, description="WGS-84")
    lat: float | None = Field(None, ge=-90, le=90, allow_inf_nan=False, strict=True, description="WGS-84")
    coords: Literal["", "wgs84", "gcj02", "bd09"] = Field(
        "", description="the system lon/lat are in (gcj02: 高德/腾讯, bd09: 百度); empty: WGS-84. Stored as WGS-84")
    area_code: str = Field("", pattern=r"^(\d{6,18})?$", description="when there is no point")
    address: str = Field("", max_length=200)
    reporter_name: str = Field("", max_length=64)
    reporter_phone: str = Field("", max_length=32, pattern=r"^[0-9+\- ]*$")
    anonymous: StrictBool = False
    urgency: Literal["", "2h", "24h", "7d", "15d"] = Field("", description="hotline tier")
    channel: Case.Channel
    answers: dict[str, str | list[str]] = Field(default_factory=dict, description="the category's extra questions")

    @model_validator(mode="after")
    def _located(self):
        if (self.lon is None) != (self.lat is None):
            raise ValueError("give both lon and lat, or neither")
        if self.lon is None and not self.area_code:
            raise ValueError("give lon/lat or an area_code")
        return self


# The entrance's field names as this schema spells them.
BODY_NAMES = {"location": "lon", "category_code": "category", "phone": "reporter_phone"}


@api.post("/cases", response={200: CaseDetail, 201: CaseDetail, 401: Error, 403: Error}, summary="Open a case")
def create_case(request: HttpRequest, body: CaseIn):
    """Through the one intake entrance: the district's checks, classification, answers and, with an
    Idempotency-Key header, the duplicate check; a refusal is a 422 naming each field."""
    viewer = Viewer.of(request.auth)
    if not viewer.roles & OPENER_ROLES:
        raise HttpError(403, _("only operators, dispatchers and grid workers open cases here"))
    given = request.headers.get("Idempotency-Key", "").strip()
    sub = Submission(
        channel=body.channel, title=body.title, description=body.description, category_code=body.category,
        lon=body.lon, lat=body.lat, coords=body.coords, area_code=body.area_code, address=body.address, reporter_name=body.reporter_name,
        reporter_phone=body.reporter_phone, anonymous=body.anonymous, urgency=body.urgency, answers=body.answers,
        actor=viewer.user, public_only=False, accept=False, key=f"api:{viewer.user.pk}:{given}"[:128] if given else "",
    )
    (result,) = take_in([sub])
    if isinstance(result, IntakeError):
        raise ValidationError([{"type": "value_error", "loc": ["body", "body", BODY_NAMES.get(name, name)], "msg": problem}
                               for name, problem in result.problems.items()])
    case = Case.objects.select_related("category", "unit", "master").get(pk=result.case.pk)
    return Status(201 if result.created else 200, _detail(case, viewer))
