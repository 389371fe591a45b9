"""What Open311 shows: the public catalogue as services, and the public part of cases as requests.

Only cases that came in through public channels (Open311 apps, the resident pages, patrols) are
listed, and never with a reporter's name or phone: hotline calls and enterprise demands stay inside."""

from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from finegrid.cases.models import Case, Category, Evidence, Transition
from finegrid.intake.models import Question, Receipt, Update
from finegrid.intake.timeline import (
    CLOSED_STATES,
    HIDDEN,
    public_steps,
    status_of,
    words_for,
)

PUBLIC_CHANNELS = (Case.Channel.OPEN311, Case.Channel.WEB, Case.Channel.PATROL)
WINDOW = timedelta(days=90)  # the spec's default window: 90 days or 1,000 requests, whichever is smaller
MAX_PAGE = 1000
FIRST_YEAR, LAST_YEAR = 1970, 2999  # the dates a query or an update may name


def _refused(status, text):
    from .views import Refused

    return Refused(status, text)


# ── services ──────────────────────────────────────────────────────────────────────────────────


def public_categories() -> QuerySet:
    """The catalogue's public, active leaves (小类) that have a rule to accept a case by."""
    return Category.objects.filter(level=2, public=True, active=True, rules__isnull=False).distinct()


# Every service is `batch`: a POST is queued and answered with a token at once, and the worker
# opens the case moments later (see intake/inbox.py for why); tokens/{token} then gives its id.
SERVICE_TYPE = "batch"


def services() -> list[dict]:
    categories = (public_categories().select_related("parent")
                  .annotate(asks=Exists(Question.objects.filter(category=OuterRef("pk"))))
                  .order_by("code"))
    return [{
        "service_code": c.code, "service_name": c.name, "description": c.name,
        "metadata": c.asks, "type": SERVICE_TYPE,
        "keywords": ",".join(c.keywords), "group": c.parent.name if c.parent else "",
    } for c in categories]


def attributes(category: Category) -> list[dict]:
    return [{
        "variable": q.variable, "code": q.code, "datatype": q.datatype, "required": q.required,
        "datatype_description": q.datatype_description, "order": q.order, "description": q.description,
        "values": [{"key": v.get("key"), "name": v.get("name")} for v in q.values],
    } for q in category.questions.all()]


# ── requests ──────────────────────────────────────────────────────────────────────────────────


def public_cases() -> QuerySet:
    return (Case.objects.filter(channel__in=PUBLIC_CHANNELS)
            .filter(Q(category__isnull=True) | Q(category__public=True))
            .select_related("category", "unit"))


def parse_w3c(value: str | None, name: str) -> datetime | None:
    """A W3C datetime with its zone; anything else is the caller's 400."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00").replace(" ", "+"))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise _refused(400, _("%(name)s must be a W3C datetime with a zone, such as 2026-03-10T09:30:00+08:00")
                       % {"name": name})
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:  # 9999-12-31 plus the 90-day window overflows
        raise _refused(400, _("%(name)s must be between the years %(first)d and %(last)d")
                       % {"name": name, "first": FIRST_YEAR, "last": LAST_YEAR})
    return moment


def _int(value: str | None, name: str, default: int, low: int, high: int) -> int:
    if value is None:
        return default
    if not (value.isascii() and value.isdigit()) or not low <= int(value) <= high:  # "²".isdigit() is true
        raise _refused(400, _("%(name)s must be a whole number from %(low)d to %(high)d")
                       % {"name": name, "low": low, "high": high})
    return int(value)


def _window(params) -> tuple[datetime, datetime]:
    start, end = parse_w3c(params.get("start_date"), "start_date"), parse_w3c(params.get("end_date"), "end_date")
    if start and end and end < start:
        raise _refused(400, _("end_date is before start_date"))
    if start and end and end - start > WINDOW:
        raise _refused(400, _("start_date to end_date may span at most 90 days"))
    if start is None and end is None:
        end = timezone.now()
    if start is None:
        start = end - WINDOW
    if end is None:
        end = start + WINDOW
    return start, end


def _listed(values: str | None) -> list[str]:
    return [v.strip() for v in (values or "").split(",") if v.strip()]


# With extensions=true each request carries its history: a page of 1,000 was 1.5 MB and 1.6–1.9 s,
# so that listing comes in pages of 100 unless the client asks for more (page_size, up to 1,000).
# Without extensions the spec's 1,000 stays the default (what the georeport client expects).
EXTENDED_PAGE = 100


def page_of(params, extensions: bool = False) -> tuple[int, int]:
    """(page, page_size) the listing shows."""
    page = _int(params.get("page"), "page", 1, 1, 100_000)
    size = _int(params.get("page_size"), "page_size", EXTENDED_PAGE if extensions else MAX_PAGE, 1, MAX_PAGE)
    return page, size


def requests(params, extensions: bool = False, photo_url=None) -> list[dict]:
    """One page of public requests, newest first. `photo_url(case, evidence_pk)` makes a photo's
    address for media_url (a case with a photo of its own and no client media_url)."""
    cases = public_cases()
    ids = _listed(params.get("service_request_id"))
    page, size = page_of(params, extensions)
    if ids:  # service_request_id overrides every other filter
        cases = cases.filter(ticket__in=ids[:MAX_PAGE])
    else:
        cases = _filtered(cases, params)
    rows = list(cases.order_by("-reported_at", "-id")[(page - 1) * size:page * size])
    media = {**_photos(rows, photo_url), **_media(rows)} if photo_url else _media(rows)
    notes = _notes(rows) if extensions else {}
    return [request_of(case, extensions, media.get(case.pk, ""), notes.get(case.pk)) for case in rows]


def _filtered(cases: QuerySet, params) -> QuerySet:
    start, end = _window(params)
    cases = cases.filter(reported_at__gte=start, reported_at__lte=end)
    codes = _listed(params.get("service_code"))
    if codes:
        cases = cases.filter(category__code__in=codes)
    statuses = {s.lower() for s in _listed(params.get("status"))}
    if statuses - {"open", "closed"}:
        raise _refused(400, _("status is open or closed (comma separated)"))
    if statuses == {"open"}:
        cases = cases.exclude(state__in=CLOSED_STATES)
    elif statuses == {"closed"}:
        cases = cases.filter(state__in=CLOSED_STATES)
    return cases


def _media(cases) -> dict:
    rows = Receipt.objects.filter(case__in=cases).values_list("case_id", "media_urls")
    return {case_id: urls[0] for case_id, urls in rows if urls}


def _photos(cases, photo_url) -> dict:
    """Each case's first photo (the report's own, usually) as a media_url, in one query."""
    rows = (Evidence.objects.filter(case__in=cases, content_type__startswith="image/")
            .order_by("case_id", "pk").values_list("case_id", "pk"))
    first: dict = {}
    for case_id, pk in rows:
        first.setdefault(case_id, pk)
    by_id = {case.pk: case for case in cases}
    return {case_id: photo_url(by_id[case_id], pk) for case_id, pk in first.items()}


def media_of(case: Case, photo_url=None) -> str:
    """One request's media_url: the client's own link, else the case's first photo."""
    found = _media([case]).get(case.pk) or (_photos([case], photo_url).get(case.pk) if photo_url else "")
    return found or ""


def _notes(cases) -> dict:
    found: dict = {}
    rows = Transition.objects.filter(case__in=cases).exclude(action__in=HIDDEN).select_related("unit").order_by("seq")
    for row in rows:
        found.setdefault(row.case_id, []).append(
            {"datetime": row.at, "summary": words_for(row), "type": "activity"})
    return found


def request_of(case: Case, extensions: bool = False, media_url: str = "", notes=None) -> dict:
    last = public_steps(case)[-1:] if notes is None and extensions else None
    row = {
        "service_request_id": case.ticket, "status": status_of(case.state),
        "status_notes": _status_notes(case, notes, last),
        "service_name": case.category.name if case.category else "",
        "service_code": case.category.code if case.category else "",
        "description": case.description or case.title,
        "agency_responsible": case.unit.name if case.unit else "",
        "service_notice": "", "requested_datetime": case.reported_at, "updated_datetime": case.updated_at,
        "expected_datetime": case.due_at, "address": case.address, "address_id": "", "zipcode": "",
        "lat": case.lat if case.lat is not None else "", "long": case.lon if case.lon is not None else "",
        "media_url": media_url,
    }
    if extensions:
        row["notes"] = notes if notes is not None else [
            {"datetime": s.at, "summary": s.words, "type": "activity"} for s in public_steps(case)]
    return row


def _status_notes(case: Case, notes, last) -> str:
    if notes:
        return notes[-1]["summary"]
    if last:
        return last[0].words
    return str(case.get_state_display())


# ── mySociety's updates ───────────────────────────────────────────────────────────────────────


def updates(params) -> list[dict]:
    start, end = _window(params)
    public = public_cases().values("pk")
    steps = (Transition.objects.filter(case__in=public, at__gte=start, at__lte=end).exclude(action__in=HIDDEN)
             .select_related("case", "unit").order_by("at", "id")[:MAX_PAGE])
    rows = [{"update_id": f"t{t.pk}", "service_request_id": t.case.ticket, "status": status_of(t.to_state),
             "updated_datetime": t.at, "description": words_for(t), "media_url": ""} for t in steps]
    posted = (Update.objects.filter(case__in=public, created_at__gte=start, created_at__lte=end)
              .select_related("case").order_by("created_at", "id")[:MAX_PAGE])
    rows += [{"update_id": f"u{u.pk}", "service_request_id": u.case.ticket, "status": status_of(u.case.state),
              "updated_datetime": u.updated_at, "description": u.description, "media_url": u.media_url} for u in posted]
    rows.sort(key=lambda row: row["updated_datetime"])
    return rows[:MAX_PAGE]
