"""Dispatch (派遣): who should handle a case. The responsibility matrix decides when it names
exactly one primary unit; otherwise the case waits in the dispatcher's queue with ranked
suggestions (the matrix's candidates, the local street or community office, and the units that
handled this category here before). A case with no candidate is never lost: it waits too."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from finegrid.org.models import Unit
from finegrid.org.scopes import within
from finegrid.org.responsibility import rows_for, unit_for

from .models import Case

HISTORY_WINDOW = timedelta(days=90)


@dataclass
class Suggestion:
    unit: Unit
    score: float
    reason: str


def suggestions(case: Case, limit: int = 5) -> list[Suggestion]:
    """Candidate units, best first, each with why it is suggested."""
    found: dict[str, Suggestion] = {}
    for suggestion in [*_from_matrix(case), *_local_office(case), *_from_history(case)]:
        if suggestion.unit.code not in found or found[suggestion.unit.code].score < suggestion.score:
            found[suggestion.unit.code] = suggestion
    return sorted(found.values(), key=lambda s: (-s.score, s.unit.code))[:limit]


def unambiguous_unit(case: Case) -> Unit | None:
    """The one unit the matrix names as primary for this case, or None when it names none or several."""
    if case.category_id is None:
        return None
    return unit_for(case.category.code, case.area_code)


def auto_dispatch(case: Case, now=None):
    """Dispatch an accepted case at once when the matrix is unambiguous; returns the transition or None."""
    from .workflow import perform

    unit = unambiguous_unit(case) if case.state == Case.State.ACCEPTED else None
    if unit is None:
        return None
    return perform(case, "dispatch", None, unit=unit, reason=_("responsibility matrix"), now=now)


def queue(scope) -> QuerySet:
    """Accepted cases waiting for a dispatcher in `scope`, oldest deadline first."""
    waiting = Case.objects.filter(state=Case.State.ACCEPTED).select_related("category")
    return scope.filter(waiting, field="area_code").order_by("due_at", "reported_at")


def _from_matrix(case: Case) -> list[Suggestion]:
    if case.category_id is None:
        return []
    rows = rows_for(case.category.code, case.area_code)
    return [Suggestion(row.unit, 1.0 if row.primary else 0.8, _("responsibility matrix")) for row in rows]


def _local_office(case: Case) -> list[Suggestion]:
    """The street or community office of the place, when the category is theirs by type."""
    kind = case.rule.unit_kind if case.rule_id else ""
    code = {"street": case.area_code[:9], "community": case.area_code[:12]}.get(kind)
    unit = Unit.objects.filter(code=code, active=True).first() if code else None
    return [Suggestion(unit, 0.6, _("the local office"))] if unit else []


def _from_history(case: Case) -> list[Suggestion]:
    """Units that handled this category in this street lately without being re-routed."""
    if case.category_id is None or not case.area_code:
        return []
    since = timezone.now() - HISTORY_WINDOW
    street = within("area_code", case.area_code[:9])
    rows = (Case.objects.filter(street, category_id=case.category_id, reported_at__gte=since, reassign_count=0,
                                unit__isnull=False, unit__active=True)
            .values("unit").annotate(n=Count("id")).order_by("-n")[:3])
    units = Unit.objects.in_bulk([row["unit"] for row in rows])
    total = sum(row["n"] for row in rows) or 1
    return [Suggestion(units[row["unit"]], 0.5 * row["n"] / total, _("handled such cases here before")) for row in rows]

