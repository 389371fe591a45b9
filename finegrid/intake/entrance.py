"""`take_in(submissions)`: the one entrance every channel opens cases through (resident pages,
patrol, the Open311 queue, the hotline import, `POST /api/v1/cases`, sensor alarms).

A batch, one report being a batch of one. First a preparation that writes nothing — clean, the
duplicate key, classify, the category's questions, locate once for the whole batch with the
district's checks — then one writer: `cases.bulk.open_many` and the receipts, in one transaction.
Each bad submission gets its IntakeError naming the field while the good ones land; a batch that
fails to write leaves nothing behind."""

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models.base import ModelState
from django.utils import timezone
from django.utils.translation import gettext as _

from finegrid.cases.bulk import Report, open_many
from finegrid.cases.bulk_insert import insert
from finegrid.cases.evidence import attach
from finegrid.cases.models import Case, Category, Transition
from finegrid.grid.locate import current_index

from .answers import check_answers, decided, more_urgent
from .classify import classify_many, suggested
from .intake import Intake, IntakeError, Submission, clean, new_token
from .models import Question, Receipt
from .place import Spot, place_all

# Machines and the city's platform (no person at our end) name categories we may not know: the case
# waits for an operator. A person choosing from our catalogue (pages, patrol, Open311, an operator
# on the API) is told the code is wrong.
LENIENT = frozenset({Case.Channel.HOTLINE, Case.Channel.SENSOR})
RECEIPT_COLUMNS = ["case", "channel", "key", "token", "answers", "media_urls", "api_key", "created_at"]
NO_ANSWERS, NO_MEDIA = {}, []  # one object each for the many empty ones: the row writer encodes each object once


@dataclass
class Ready:
    """A submission that passed every check, with what the preparation found out."""

    at: int  # its place in the batch
    sub: Submission
    category: Category | None = None
    answers: dict = field(default_factory=dict)
    spot: Spot = field(default_factory=Spot)
    condition: str = ""  # the 立案条件 the answers chose (answers.decided)


def take_in(subs: list[Submission], *, now=None, units: dict | None = None) -> list:
    """An Intake or an IntakeError per submission, in order. `units` may carry the matrix's
    answers across batches (the hotline import passes its own)."""
    now = now or timezone.now()
    results: list = [None] * len(subs)
    ready = _cleaned(subs, results)
    ready = _prepared(_fresh(ready, results), results)
    for attempt in range(2):
        try:
            if ready:
                with transaction.atomic():
                    _write(ready, results, now, units)
            break
        except IntegrityError:
            if attempt:
                raise
            ready = _fresh(ready, results)  # another writer took some keys a moment ago: answer with its cases
    _answer_copies(results)
    return results


def intake(sub: Submission, *, now=None) -> Intake:
    """Take one submission in (a batch of one), or raise IntakeError naming every problem."""
    (result,) = take_in([sub], now=now)
    if isinstance(result, IntakeError):
        raise result
    return result


# ── preparation: nothing is written ───────────────────────────────────────────────────────────


def _cleaned(subs: list[Submission], results: list) -> list[Ready]:
    ready = []
    for at, sub in enumerate(subs):
        try:
            clean(sub)
        except IntakeError as error:
            results[at] = error
        else:
            ready.append(Ready(at, sub))
    return ready


def _fresh(ready: list[Ready], results: list) -> list[Ready]:
    """The submissions whose (channel, key) has no receipt yet; a replay answers with its case.
    The same key twice in one batch is one case: the later copy answers with the first's."""
    keys = {(r.sub.channel, r.sub.key) for r in ready if r.sub.key}
    taken = {}
    for channel in {c for c, _key in keys}:
        found = Receipt.objects.select_related("case").filter(channel=channel, key__in=[k for c, k in keys if c == channel])
        taken.update({(channel, receipt.key): receipt for receipt in found})
    fresh, first = [], {}
    for r in ready:
        key = (r.sub.channel, r.sub.key)
        if key in taken:
            results[r.at] = Intake(taken[key].case, taken[key], created=False)
        elif r.sub.key and key in first:
            results[r.at] = first[key]  # an index into the batch: answered once the first is written
        else:
            first[key] = r.at
            fresh.append(r)
    return fresh


def _prepared(ready: list[Ready], results: list) -> list[Ready]:
    """Classified, answered and located; a submission with a problem leaves the batch with it."""
    codes = classify_many([r.sub for r in ready])  # one model pass; a 紧急 appeal's urgency is set here
    categories = _categories(codes)
    questions = _questions(categories.values())
    spots = place_all([r.sub for r in ready], current_index())
    kept = []
    for r, code, spot in zip(ready, codes, spots):
        try:
            r.category = _category_of(r.sub, code, categories)
            asked = questions.get(r.category.pk, []) if r.category else []
            r.answers = check_answers(r.category, r.sub.answers, required=r.sub.public_only, questions=asked)
            r.condition, tier = decided(asked, r.answers)
            r.sub.urgency = more_urgent(r.sub.urgency, tier)
            if isinstance(spot, dict):
                raise IntakeError(spot)
        except IntakeError as error:
            results[r.at] = error
            continue
        r.spot = spot
        kept.append(r)
    return kept


def _categories(codes: list[str]) -> dict:
    wanted = {code for code in codes if code}
    return Category.objects.filter(active=True, level=2).in_bulk(list(wanted), field_name="code") if wanted else {}


def _questions(categories) -> dict:
    grouped: dict = {}
    for question in Question.objects.filter(category__in=list(categories), variable=True):
        grouped.setdefault(question.category_id, []).append(question)
    return grouped


def _category_of(sub: Submission, code: str, categories: dict) -> Category | None:
    if not code:
        return None
    category = categories.get(code)
    if category is not None and sub.public_only and not category.public and not suggested(sub, code):
        category = None  # residents and apps choose among the public catalogue only
    lenient = sub.channel in LENIENT and sub.actor is None
    if category is None and not lenient and not suggested(sub, code):
        raise IntakeError({"category": _("no category has the code %(code)s") % {"code": code}})
    return category  # a topic we do not know: the case waits for an operator to classify it


# ── the one writer ────────────────────────────────────────────────────────────────────────────


def _write(ready: list[Ready], results: list, now, units) -> None:
    cases = open_many([_report(r, now) for r in ready], accept=True, now=now, units=units)
    receipts = [_receipt(r, case, now) for r, case in zip(ready, cases)]
    insert(Receipt, RECEIPT_COLUMNS, ((case.pk, rc.channel, rc.key, rc.token, rc.answers, rc.media_urls, rc.api_key_id,
                                       rc.created_at) for case, rc in zip(cases, receipts)))
    for r, case, receipt in zip(ready, cases, receipts):
        if r.sub.photos:
            attach(case, Transition.objects.get(case=case, seq=1), r.sub.photos, r.sub.actor)
        results[r.at] = Intake(case, receipt, created=True)


def _answer_copies(results: list) -> None:
    """A second copy of a key in the batch answers with the first's case, as a replay does."""
    for at, result in enumerate(results):
        if isinstance(result, int):
            first = results[result]
            results[at] = Intake(first.case, first.receipt, created=False)


def _report(r: Ready, now) -> Report:
    sub, spot = r.sub, r.spot
    return Report(
        title=sub.title, channel=sub.channel, category_code=r.category.code if r.category else "",
        description=sub.description, lon=sub.lon, lat=sub.lat, address=sub.address, area_code=spot.area_code,
        grid_code=spot.grid_code, reporter_name=sub.reporter_name, reporter_phone=sub.reporter_phone,
        reporter_id=getattr(sub.reporter, "pk", None), anonymous=sub.anonymous, urgency=sub.urgency,
        external_id=sub.key[:64], reported_at=sub.reported_at or now, actor=sub.actor, accept=sub.accept,
        condition=r.condition,
    )


def _receipt(r: Ready, case: Case, now) -> Receipt:
    """The receipt as written (its id is not read back). Filled in directly, as bulk fills its
    cases: Model.__init__ with a related case was a sixth of a batch's time."""
    sub = r.sub
    api_key = getattr(sub.api_key, "pk", sub.api_key)  # an ApiToken, or its id (the Open311 queue keeps the id)
    receipt = Receipt.__new__(Receipt)
    receipt.__dict__.update(id=None, case_id=case.pk, channel=sub.channel, key=sub.key, token=sub.token or new_token(),
                            answers=r.answers or NO_ANSWERS, media_urls=sub.media_urls or NO_MEDIA, api_key_id=api_key,
                            created_at=now)
    receipt._state = ModelState()
    Receipt.case.field.set_cached_value(receipt, case)
    return receipt
