"""12345转办: a hotline case taken in as a petition (转为信访件), one from its page or many from the
hotline's latest cases. The petition keeps the case (its link, confirmed), the caller as its
petitioner, the matter in the caller's words and the day the hotline received it; the case records
that it became a petition with its own step (`cases.actions` "to_petition"), in the same
transaction, so neither stands without the other.

A hotline case is suggested when it reads as 申诉求决 (data/hotline_claims.json): a complaint or a
plea for help (the hotline's request type, as insight labelled it) whose words carry a claim — a
field the district watches (保交楼, 征迁, 落私 …) or a demand on a right or an interest. The office
decides; a suggestion only puts the case first and fills in the class and the field."""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from finegrid.cases.machine import TransitionError
from finegrid.cases.models import Case
from finegrid.cases.phones import whole
from finegrid.cases.workflow import perform

from .models import Link, Petition
from .registration import RegistrationError, Submission, register

CLAIMS_FILE = Path(__file__).resolve().parent / "data" / "hotline_claims.json"
TAKEN_FROM = frozenset({Case.Channel.HOTLINE})


@cache
def _claims() -> dict:
    return json.loads(CLAIMS_FILE.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Suggestion:
    kind: str  # Petition.Kind: 申诉求决 when recognised
    field: str  # the watched field its words name, or ""
    why: str  # the words that matched


def request_type_of(case: Case) -> str:
    labels = getattr(case, "insight", None) if hasattr(case, "insight") else None
    return labels.request_type if labels is not None else ""


def recognise(case: Case, request_type: str | None = None) -> Suggestion | None:
    """A 申诉求决 suggestion for a hotline case, or None."""
    if case.channel not in TAKEN_FROM:
        return None
    rules = _claims()
    kind = request_type if request_type is not None else request_type_of(case)
    if kind not in rules["request_types"]:
        return None
    text = f"{case.title} {case.description}"
    field = next((name for name, words in rules["fields"].items() if any(w in text for w in words)), "")
    claim = next((w for w in rules["claims"] if w in text), "")
    if not field and not claim:
        return None
    return Suggestion(Petition.Kind.CLAIM, field, "、".join(w for w in (kind, field, claim) if w))


def why_not(case: Case) -> str | None:
    """Why this case cannot become a petition, or None."""
    if case.channel not in TAKEN_FROM:
        return _("only a 12345 hotline case is taken in as a petition")
    if Petition.objects.filter(source_case=case).exists():
        return _("this case is a petition already")
    if case.anonymous or not case.reporter_name.strip():
        return _("the caller gave no name: a petition names its petitioner (an anonymous matter stays a hotline case)")
    return None


@transaction.atomic
def take_case(case: Case, actor, *, now, suggestion: Suggestion | None = None) -> Petition:
    """转为信访件: the petition registered from the case, and the case's own step recording it."""
    problem = why_not(case)
    if problem:
        raise TransitionError(problem)
    suggestion = suggestion or recognise(case)
    sub = Submission(channel=Petition.Channel.HOTLINE, matter=case.description.strip() or case.title,
                     demand=case.title if case.description.strip() else "", name=case.reporter_name.strip(),
                     phone=whole(case), address=case.address, kind=suggestion.kind if suggestion else "",
                     field=suggestion.field if suggestion else "", area_code=case.area_code)
    try:
        petition = register(sub, actor, now=now)
    except RegistrationError as error:
        raise TransitionError(str(error)) from None
    Petition.objects.filter(pk=petition.pk).update(source_case=case, received_at=case.reported_at)
    petition.source_case, petition.received_at = case, case.reported_at
    Link.objects.update_or_create(petition=petition, subject="case", subject_id=case.pk, defaults={
        "by": "source", "similarity": 1.0, "state": Link.State.CONFIRMED, "decided_by": actor, "decided_at": now})
    perform(case, "to_petition", actor, data={"petition": petition.number}, now=now)
    return petition


def take_cases(cases, actor, *, now) -> list[tuple[Case, Petition | None, str]]:
    """Many at once (the hotline's latest cases): each taken in its own transaction, so one refused
    case (a nameless caller, a case taken already) leaves the others taken."""
    done = []
    for case in cases:
        try:
            done.append((case, take_case(case, actor, now=now), ""))
        except TransitionError as error:
            done.append((case, None, str(error)))
    return done
