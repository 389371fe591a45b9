"""Open311 GeoReport v2 at /open311/v2/ (http://wiki.open311.org/GeoReport_v2), with the common
extensions (page/page_size, extensions=true) and mySociety's servicerequestupdates.

Each view keeps one order: read the parameters (empty ones count as absent) → check the api_key
where the method needs one → call the domain (`intake`, the case queries) → write the document
in the format the URL asks for. Every refusal is GeoReport's error document with 400, 403 or 404."""

import codecs
import hashlib
import json
import re
from functools import wraps
from urllib.parse import unquote_to_bytes

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.db import transaction
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from finegrid.cases.models import Case
from finegrid.core import throttle
from finegrid.intake import inbox
from finegrid.intake.answers import check_answers
from finegrid.intake.intake import IntakeError, Submission, clean, text
from finegrid.intake.keys import valid_key
from finegrid.intake.models import Queued, Receipt, Update
from finegrid.intake.place import check_point_and_code

from . import queries
from .catalogue import services_now
from .render import document, errors

ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]{1,64})\](\[\])?$")
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-27T00:00:00+08:00"  # when this endpoint's behaviour last changed


class Refused(Exception):
    def __init__(self, status: int, *descriptions: str):
        self.status, self.descriptions = status, descriptions


class Params:
    """The request's parameters, body over query string; an empty value is no value (the spec)."""

    def __init__(self, request, form=None):
        if request.method == "POST":
            self.sources = [request.POST if form is None else form, request.GET]
        else:
            self.sources = [request.GET]

    def get(self, name: str) -> str | None:
        for source in self.sources:
            value = source.get(name)
            if value not in (None, ""):
                return value.replace("\x00", "")  # PostgreSQL cannot compare text with a NUL in it
        return None

    def attributes(self) -> dict:
        answers = {}
        for source in reversed(self.sources):
            for name in source:
                match = ATTRIBUTE.match(name)
                if match:
                    values = [v for v in source.getlist(name) if v != ""]
                    if values:
                        answers[match[1]] = values if match[2] else values[-1]
        return answers

    def items(self) -> list:
        return sorted((k, v) for source in self.sources for k in source if k != "api_key" for v in source.getlist(k))


def endpoint(methods=("GET",)):
    """The format check, the method check, and every refusal as an Open311 error document."""

    def decorate(view):
        @csrf_exempt
        @wraps(view)
        def wrapper(request, fmt, **kwargs):
            if fmt not in ("xml", "json"):
                return errors("xml", 404, _("the format must be xml or json"))
            if any("\x00" in value for value in kwargs.values()):
                return errors(fmt, 404, _("not found"))
            if request.method not in methods:
                response = errors(fmt, 405, _("method %(method)s is not allowed here") % {"method": request.method})
                response["Allow"] = ", ".join(methods)
                return response
            try:
                form = _form_in_its_charset(request) if request.method == "POST" else None
                return view(request, fmt, Params(request, form), **kwargs)
            except Refused as refusal:
                return errors(fmt, refusal.status, *refusal.descriptions)
            except (RequestDataTooBig, TooManyFieldsSent):
                return errors(fmt, 400, _("the request is too large"))

        return wrapper

    return decorate


def _form_in_its_charset(request) -> QueryDict | None:
    """A form body read in the charset its Content-Type declares (GBK from many a Chinese client;
    Django itself reads forms in UTF-8 only), UTF-8 when it declares none. A body that is not in
    its charset is refused, never stored garbled. None: Django reads the body (multipart, UTF-8)."""
    declared = request.content_params.get("charset", "").strip()
    try:
        encoding = codecs.lookup(declared or "utf-8").name
    except LookupError:
        raise Refused(400, _("the charset %(charset)s is not known") % {"charset": declared[:32]}) from None
    if request.content_type != "application/x-www-form-urlencoded":
        return None
    body = request.body
    try:
        unquote_to_bytes(body.replace(b"+", b" ")).decode(encoding)
    except UnicodeDecodeError:
        raise Refused(400, _("the body is not in %(charset)s: declare its charset in the Content-Type "
                             "(charset=gbk)") % {"charset": declared or "UTF-8"}) from None
    return QueryDict(body, encoding=encoding)


def _key(params: Params):
    key = valid_key(params.get("api_key") or "")
    if key is None:
        raise Refused(403, _("a valid api_key is required"))
    return key


# ── discovery and services ────────────────────────────────────────────────────────────────────


@endpoint()
def discovery(request, fmt, params):
    url = request.build_absolute_uri("/open311/v2/")
    return document(fmt, "discovery", {
        "changeset": CHANGESET,
        "contact": _("The district's grid management centre (12345 hotline)"),
        "key_service": _("Ask the district's administrator for an api_key (finegrid open311-key create NAME)"),
        "endpoints": [{"specification": SPECIFICATION, "url": url, "changeset": CHANGESET, "type": "production",
                       "formats": ["text/xml", "application/json"]}],
    })


@endpoint()
def services(request, fmt, params):
    return document(fmt, "services", queries.services())


@endpoint()
def service_definition(request, fmt, params, code):
    category = queries.public_categories().filter(code=code).first()
    if category is None:
        raise Refused(404, _("no service has the code %(code)s") % {"code": code})
    return document(fmt, "service_definition", {"service_code": category.code,
                                                 "attributes": queries.attributes(category)})


# ── service requests ──────────────────────────────────────────────────────────────────────────


@endpoint(methods=("GET", "POST"))
def requests(request, fmt, params):
    if request.method == "POST":
        return _post_request(request, fmt, params)
    extensions = params.get("extensions") == "true"
    rows = queries.requests(params, extensions=extensions, photo_url=_photo_url(request))
    response = document(fmt, "service_requests", rows)
    page, size = queries.page_of(params, extensions)
    if len(rows) == size and not params.get("service_request_id"):  # there may be more: say where (RFC 8288)
        query = request.GET.copy()
        query["page"] = str(page + 1)
        response["Link"] = f'<{request.build_absolute_uri(request.path)}?{query.urlencode()}>; rel="next"'
    return response


def _photo_url(request):
    """A case photo's address: the console's, served under its rules (staff who may see the case:
    a photo can show faces and plates), so a media_url never opens a photo to the public."""
    def url(case, pk):
        return request.build_absolute_uri(reverse("console:photo", args=[case.ticket, pk]))
    return url


@endpoint()
def one_request(request, fmt, params, ticket):
    case = queries.public_cases().filter(ticket=ticket).first()
    if case is None:
        raise Refused(404, _("no service request has the id %(id)s") % {"id": ticket})
    media = queries.media_of(case, _photo_url(request))
    return document(fmt, "service_requests", [queries.request_of(case, params.get("extensions") == "true", media)])


@endpoint()
def token(request, fmt, params, token):
    """The request a token became; while the report still waits in the queue, the token alone
    (the spec: service_request_id is given once it is known)."""
    receipt = Receipt.objects.select_related("case").filter(token=token, channel=Case.Channel.OPEN311).first()
    if receipt is not None:
        return document(fmt, "service_requests", [{"service_request_id": receipt.case.ticket, "token": receipt.token}])
    if Queued.objects.filter(token=token).exists():
        return document(fmt, "service_requests", [{"service_request_id": "", "token": token}])
    raise Refused(404, _("no token %(token)s") % {"token": token})


def _post_request(request, fmt, params):
    api_key = _key(params)
    code = params.get("service_code")
    if code is None:
        raise Refused(400, _("service_code is required"))
    service = services_now().get(code)
    if service is None:
        raise Refused(400, _("no service has the code %(code)s") % {"code": code})
    if params.get("lat") is None and params.get("long") is None and params.get("address_string") is None \
            and params.get("address_id") is None:
        raise Refused(400, _("a location is required: lat and long, address_string or address_id"))
    sub = _submission(request, params, api_key, code)
    try:
        clean(sub)
        sub.answers = check_answers(service.category, sub.answers, questions=service.questions)
        _inside(sub)
    except IntakeError as error:
        raise Refused(400, *[f"{OPEN311_NAMES.get(name, name)}: {problem}" for name, problem in error.problems.items()])
    given = request.headers.get("Idempotency-Key", "").strip()
    if not throttle.allow_all([(POSTS_BY_ADDRESS, throttle.client_address(request)),
                               (POSTS_BY_PHONE, re.sub(r"\D", "", sub.reporter_phone))]):
        raise Refused(429, _("too many requests from this address or for this phone: try again later"))
    queued, created = inbox.queue(sub)
    if not created and given and not inbox.same_report(queued, sub):
        raise Refused(422, _("the Idempotency-Key %(key)s was already used for another request")
                      % {"key": given[:64]})
    return document(fmt, "service_requests", [{"token": queued.token, "service_notice": ""}])


# Shared by every worker (core/throttle.py); an app's api_key is the app's, not a resident's, so
# the limits are per address (a client app posting for many residents sits behind a trusted proxy
# or asks for an exemption) and per phone.
POSTS_BY_ADDRESS = throttle.Limit("open311-address", 60, 600)
POSTS_BY_PHONE = throttle.Limit("open311-phone", 10, 3600)


# The submission's fields by the names an Open311 client sent them under.
OPEN311_NAMES = {"area_code": "address_id", "address": "address_string", "category": "service_code",
                 "phone": "phone", "reporter_name": "first_name"}


def _inside(sub: Submission) -> None:
    """The district's checks the POST can make from the cached grid index (a point in no grid of the
    district, 0,0, an address_id that is no region or grid of ours), so the client hears them now;
    the worker's `take_in` makes them again, with the gazetteer's check of the address."""
    problems = check_point_and_code(sub, inbox.grid_index.get()) if sub.lon is not None or sub.area_code else {}
    if problems:
        raise IntakeError(problems)


def _submission(request, params: Params, api_key, code: str) -> Submission:
    name = " ".join(part for part in (params.get("last_name"), params.get("first_name")) if part)
    media = params.get("media_url")
    return Submission(
        channel=Case.Channel.OPEN311, description=params.get("description") or "", category_code=code,
        lon=params.get("long"), lat=params.get("lat"), coords=params.get("coords") or "",
        address=params.get("address_string") or "", area_code=params.get("address_id") or "", reporter_name=name, reporter_phone=params.get("phone") or "",
        answers=params.attributes(), media_urls=[text(media, 500)] if media else [], api_key=api_key,
        key=_idempotency_key(request, params, api_key),
    )


def _idempotency_key(request, params: Params, api_key) -> str:
    """The client's Idempotency-Key, else a digest of the request (the same body sent twice the same
    day is one report): a retried POST must not open a second case."""
    given = request.headers.get("Idempotency-Key", "").strip()
    basis = given or json.dumps([params.items(), timezone.localdate().isoformat()], ensure_ascii=False)
    return f"{api_key.pk}:" + hashlib.sha256(basis.encode()).hexdigest()


# ── mySociety's service request updates ───────────────────────────────────────────────────────


@endpoint(methods=("GET", "POST"))
def updates(request, fmt, params):
    if request.method == "POST":
        return _post_update(fmt, params)
    return document(fmt, "service_request_updates", queries.updates(params))


def _post_update(fmt, params):
    api_key = _key(params)
    ticket, status = params.get("service_request_id"), (params.get("status") or "").lower()
    if ticket is None:
        raise Refused(400, _("service_request_id is required"))
    if status not in ("", "open", "closed"):
        raise Refused(400, _("status is open or closed"))
    case = queries.public_cases().filter(ticket=ticket).first()
    if case is None:
        raise Refused(404, _("no service request has the id %(id)s") % {"id": ticket})
    description = params.get("description") or ""
    if len(description) > 5000:
        raise Refused(400, _("the description is longer than %(n)d characters") % {"n": 5000})
    update = _store_update(case, api_key, params, status, text(description))
    return document(fmt, "service_request_updates", [{"update_id": f"u{update.pk}"}])


def _store_update(case, api_key, params: Params, status: str, description: str) -> Update:
    external = text(params.get("update_id") or "", 64)
    if external:
        found = Update.objects.filter(api_key=api_key, external_id=external).first()
        if found:
            return found  # a replay
    author = " ".join(part for part in (params.get("last_name"), params.get("first_name")) if part)
    moment = queries.parse_w3c(params.get("updated_datetime"), "updated_datetime") or timezone.now()
    media = text(params.get("media_url") or "", 500)
    with transaction.atomic():
        return Update.objects.create(case=case, api_key=api_key, external_id=external, status=status,
                                     description=description, media_url=media if media.startswith("http") else "",
                                     author=text(author, 128), updated_at=moment)
