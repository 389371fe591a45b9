"""The resident pages (mobile first): report a problem with a map pin or an address, a category
and photos, openly or anonymously; look a report up by ticket number and phone; rate it once it
is closed. The phone is shown masked on every page after the report is taken in."""

import uuid

import shapely
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from finegrid.cases import phones
from finegrid.cases.models import Case, Category
from finegrid.cases.workflow import TransitionError, perform
from finegrid.cases.evidence import MAX_TOTAL_BYTES, file_response
from finegrid.core.csp import UPLOAD_POLICY
from finegrid.core.models import audit
from finegrid.core.throttle import Limit, allow_all, client_address
from finegrid.grid.models import Region
from finegrid.grid.svg import Frame, Shape, map_paths
from finegrid.org.privacy import mask_phone

from .classify import suggestions_for
from .intake import DESCRIPTION_MAX, IntakeError, Submission, intake
from .mapview import prefilled_point, public_pin, resident_map
from .models import Question
from .open311.views import ATTRIBUTE
from . import held
from .outcome import own_photos, reply_of, resident_may_see
from .timeline import followed, public_steps, status_of

MAP_WIDTH = 600
# Shared by every worker (core/throttle.py): a ticket + phone pair cannot be guessed, nor the
# report form flooded. A phone reports at most a few times an hour; an address (a household, a
# shop's Wi-Fi) a few more in ten minutes.
LOOKUPS_BY_ADDRESS = Limit("track-address", 10, 600)
LOOKUPS_BY_TICKET = Limit("track-ticket", 10, 600)
REPORTS_BY_ADDRESS = Limit("report-address", 8, 600)
REPORTS_BY_PHONE = Limit("report-phone", 5, 3600)
REPORT_MAX_BYTES = MAX_TOTAL_BYTES + 1024 * 1024  # the photos and the form's text
RESIDENT_DOMAINS = ("component", "event", "hotline")


def district_map() -> dict:
    """The streets as an SVG, with the frame the page's script turns a tap into lon/lat with."""
    streets = list(Region.objects.filter(level__in=["street", "town"], geometry__isnull=False).order_by("code"))
    if not streets:
        return {}
    shapes = [Shape(s.geometry, "", s.name, "#dfe8f1") for s in streets]
    bounds = shapely.total_bounds([s.geometry for s in shapes])
    frame = Frame(bounds, MAP_WIDTH)
    return {**map_paths(shapes, width=MAP_WIDTH), "minx": frame.minx, "maxy": frame.maxy, "kx": frame.kx,
            "scale": frame.scale}


def categories_for_residents():
    leaves = Category.objects.filter(level=2, public=True, active=True, domain__in=RESIDENT_DOMAINS)
    return (Category.objects.filter(level=1, public=True, active=True, domain__in=RESIDENT_DOMAINS)
            .prefetch_related(Prefetch("children", queryset=leaves, to_attr="leaves")).order_by("code"))


@require_http_methods(["GET", "POST"])
def report(request):
    form, problems, held_names, answers = prefilled_point(request.GET), {}, [], {}  # a phone app's link may hand its point over
    if request.method == "POST":
        if _content_length(request) > REPORT_MAX_BYTES:  # refused before the files are read
            return HttpResponseBadRequest(_("The report is too large."))
        try:
            form = request.POST.dict()
            photos = request.FILES.getlist("photos")
        except (RequestDataTooBig, TooManyFieldsSent):
            return HttpResponseBadRequest(_("The report is too large."))
        if not allow_all([(REPORTS_BY_ADDRESS, client_address(request)),
                          (REPORTS_BY_PHONE, digits(form.get("phone", "")))]):
            return _too_many(request)
        kept, answers = held.mine(request, request.POST.getlist("held")), answers_of(request)
        try:
            taken = intake(_submission(request, form, [*held.as_uploads(kept), *photos], answers))
        except IntakeError as error:
            problems = error.problems
            held_names = [*kept, *held.hold(request, photos)][-held.MAX_HELD:]  # not picked again
        else:
            held.release(request, kept)
            request.session.setdefault("reported", [])
            request.session["reported"] = [*request.session["reported"][-19:], taken.case.ticket]
            return redirect("intake-reported", ticket=taken.case.ticket)
    context = _report_context(request, form, problems, held_names, answers)
    return render(request, "intake/report.html", context, status=400 if problems else 200)


def _report_context(request, form: dict, problems: dict, held_names=(), answers=None) -> dict:
    categories = categories_for_residents()
    return {"form": form, "problems": problems, "categories": categories, "map": district_map(),
            "resident_map": resident_map(), "questions": questions_shown(answers or {}, form.get("category", "")), "held": held_names,
            "picker": picker_entries(categories), "key": form.get("key") or uuid.uuid4().hex}


def picker_entries(categories) -> list[dict]:
    """What the searchable picker searches: each leaf's name, group and keywords."""
    return [{"code": c.code, "name": c.name, "group": group.name, "words": " ".join(c.keywords)}
            for group in categories for c in group.leaves]


def questions_shown(answers: dict, chosen: str, public_only: bool = True) -> list[tuple[str, list]]:
    """Each category's extra questions with what was already answered (a refused report keeps its
    answers), shown by the page's script when that category is chosen."""
    grouped: dict = {}
    asked = Question.objects.filter(category__active=True).select_related("category")
    for question in asked.filter(category__public=True) if public_only else asked:
        given = answers.get(question.code, []) if question.category.code == chosen else []
        grouped.setdefault(question.category.code, []).append((question, given if isinstance(given, list) else [given]))
    return sorted(grouped.items())


def answers_of(request) -> dict:
    answers = {}
    for name in request.POST:
        match = ATTRIBUTE.match(name)
        if match:
            values = [v for v in request.POST.getlist(name) if v != ""]
            if values:
                answers[match[1]] = values if match[2] or len(values) > 1 else values[0]
    return answers


def _submission(request, form: dict, photos, answers: dict) -> Submission:
    anonymous = form.get("anonymous") == "on"
    user = request.user if request.user.is_authenticated else None
    return Submission(
        channel=Case.Channel.WEB, description=form.get("description", ""), category_code=form.get("category", ""),
        lon=form.get("lon") or None, lat=form.get("lat") or None, coords=form.get("coords", ""),
        address=form.get("address", ""), reporter_name="" if anonymous else form.get("name", ""), reporter_phone=form.get("phone", ""),
        anonymous=anonymous, reporter=user, actor=user, photos=photos, answers=answers,
        key=("web:" + form["key"])[:128] if form.get("key") else "",
    )


def reported(request, ticket):
    """The receipt: the ticket to read out on the phone and, masked, the phone to look it up with."""
    if ticket not in request.session.get("reported", []):
        return redirect("intake-track")
    case = Case.objects.select_related("category").filter(ticket=ticket).first()
    if case is None:
        return redirect("intake-track")
    return render(request, "intake/reported.html", {"case": case, "spoken": spoken(case.ticket),
                                                    "phone": mask_phone(case.reporter_phone)})


def spoken(ticket: str) -> str:
    """The ticket in groups a person reads out and writes down: 261127 000 2001."""
    return " ".join([ticket[:6], ticket[6:9], ticket[9:]]) if ticket.isdigit() and len(ticket) > 9 else ticket


def digits(value: str) -> str:
    return "".join(ch for ch in value or "" if ch.isdigit())


@require_http_methods(["GET", "POST"])
def track(request):
    problem = ""
    status = 200
    if request.method == "POST":
        ticket = digits(request.POST.get("ticket", ""))
        # Every try counts, for the address and for the ticket: a guesser changing address (or a
        # botnet) still meets the ticket's limit, one resident behind a proxy only their own.
        if not allow_all([(LOOKUPS_BY_ADDRESS, client_address(request)), (LOOKUPS_BY_TICKET, ticket)]):
            problem, status = _("Too many tries. Wait ten minutes and try again."), 429
        else:
            case = _find(ticket, request.POST.get("phone", ""), request.user)
            if case is not None:
                request.session["tracked"] = [*request.session.get("tracked", [])[-19:], case.ticket]
                return redirect("intake-case", ticket=case.ticket)
            problem, status = _("No report has this ticket number with this phone number."), 400
    return render(request, "intake/track.html", {"problem": problem, "form": request.POST}, status=status)


def _content_length(request) -> int:
    value = request.META.get("CONTENT_LENGTH") or "0"
    return int(value) if value.isascii() and value.isdigit() else 0


def _too_many(request):
    context = _report_context(request, request.POST.dict(), {"form": _("Too many reports from here. Wait a while and "
                                                                       "try again, or call the hotline.")})
    return render(request, "intake/report.html", context, status=429)


def _find(ticket: str, phone: str, user) -> Case | None:
    ticket, phone = digits(ticket), digits(phone)
    if not ticket or len(phone) < 5:
        return None
    case = Case.objects.filter(ticket=ticket).only("ticket", "reporter_phone", "reporter_phone_sealed").first()
    if case is None or digits(phones.whole(case)) != phone:
        return None
    if case.reporter_phone_sealed:  # an anonymous reporter's number was opened to compare: audited
        audit("case.phone_read", case.ticket, actor=user if user.is_authenticated else None, seen_in="track")
    return case


@require_http_methods(["GET", "POST"])
def case_page(request, ticket):
    """A report's progress in plain words, the unit's reply and photos; the rating form once closed."""
    if not _followed_by_session(request, ticket):
        return redirect("intake-track")
    case = Case.objects.select_related("category", "unit").filter(ticket=ticket).first()
    if case is None:
        return redirect("intake-track")
    problem = ""
    if request.method == "POST":
        problem = _rate(case, request.POST.get("rating", ""), request.POST.get("comment", ""))
        if not problem:
            return redirect("intake-case", ticket=ticket)
    shown = followed(case)
    context = {"case": case, "shown": shown, "steps": public_steps(shown), "status": status_of(shown.state),
               "reply": reply_of(shown), "own_photos": own_photos(case),
               "phone": mask_phone(case.reporter_phone), "spoken": spoken(case.ticket), "problem": problem,
               "can_rate": case.state == Case.State.CLOSED, "ratings": range(5, 0, -1), "public_pin": public_pin(case)}
    return render(request, "intake/case.html", context, status=400 if problem else 200)


def _followed_by_session(request, ticket) -> bool:
    return ticket in request.session.get("tracked", []) or ticket in request.session.get("reported", [])


@require_GET
def case_photo(request, ticket, pk):
    """A photo of the resident's own report or of the unit's reply, to the session that follows it."""
    case = Case.objects.filter(ticket=ticket).first() if _followed_by_session(request, ticket) else None
    photo = resident_may_see(case, followed(case), pk) if case is not None else None
    if photo is None:
        raise Http404
    return file_response(photo)


@require_GET
def held_photo(request, name):
    """A photo kept from a refused report, shown back to the session that sent it."""
    stored = held.open_held(request, name)
    if stored is None:
        raise Http404
    kind = "image/png" if name.endswith(".png") else "image/webp" if name.endswith(".webp") else "image/jpeg"
    response = FileResponse(stored, content_type=kind)
    response["Content-Security-Policy"] = UPLOAD_POLICY
    response["X-Content-Type-Options"] = "nosniff"
    return response


SUGGESTIONS_BY_ADDRESS = Limit("suggest-address", 120, 600)  # a few per report typed; the model costs CPU


@require_POST
def suggest(request):
    """The categories the classifier suggests for a description, among those residents may choose."""
    if not allow_all([(SUGGESTIONS_BY_ADDRESS, client_address(request))]):
        return JsonResponse({"suggestions": []}, status=429)
    codes = suggestions_for(request.POST.get("description", "")[:DESCRIPTION_MAX])
    leaves = categories_for_residents_by_code(codes)
    return JsonResponse({"suggestions": [{"code": c.code, "name": c.name, "group": c.parent.name}
                                         for c in (leaves[code] for code in codes if code in leaves)][:3]})


def categories_for_residents_by_code(codes) -> dict:
    return (Category.objects.filter(level=2, public=True, active=True, domain__in=RESIDENT_DOMAINS, code__in=codes)
            .select_related("parent").in_bulk(field_name="code"))


def _rate(case: Case, rating: str, comment: str) -> str:
    if not (rating.isascii() and rating.isdigit()):  # "²".isdigit() is true
        return _("Choose a rating from 1 to 5.")
    try:
        perform(case, "rate", None, data={"rating": int(rating)}, reason=comment.strip()[:500])
    except TransitionError as error:
        return str(error)
    return ""
