"""Opening a case: the one function every channel (hotline, Open311, patrol, sensors…) calls.

The case starts as 信息采集 with a transition row of its own; a point is located to its grid;
an unknown category leaves the category empty so the case waits for an operator, never lost."""

import uuid

from django.db import transaction
from django.utils import timezone

from finegrid.grid.locate import locate

from . import phones
from .models import Case, Category, Transition


def open_case(*, channel: str, title: str, description: str = "", category_code: str = "",
              lon: float | None = None, lat: float | None = None, address: str = "", area_code: str = "",
              reporter_name: str = "", reporter_phone: str = "", reporter=None, anonymous: bool = False,
              urgency: str = "", external_id: str = "", actor=None, now=None) -> Case:
    now = now or timezone.now()
    reporter_phone, sealed = phones.stored(reporter_phone, anonymous)
    case = Case(
        channel=channel, title=title[:200], description=description, address=address[:200], lon=lon, lat=lat,
        category=_category(category_code), reporter_name=reporter_name, reporter_phone=reporter_phone,
        reporter_phone_sealed=sealed, reporter=reporter, anonymous=anonymous, urgency=urgency, external_id=external_id, reported_at=now,
        state=Case.State.COLLECTED, version=1,
    )
    _place(case, area_code)
    with transaction.atomic():
        case.ticket = placeholder_ticket()
        case.save()
        case.ticket = ticket_for(case)
        Case.objects.filter(pk=case.pk).update(ticket=case.ticket)
        Transition.objects.create(
            case=case, seq=1, action="report", from_state="", to_state=case.state, actor=actor,
            actor_label=getattr(actor, "username", None) or channel, role="", at=now,
            data={"channel": channel},
        )
    return case


def placeholder_ticket() -> str:
    """A unique stand-in until the case has the serial its real ticket is made from."""
    return "t" + uuid.uuid4().hex[:19]


def ticket_for(case: Case) -> str:
    """A number a person can read out on the phone: the report's date and the case's serial."""
    local = timezone.localtime(case.reported_at)
    return f"{local:%y%m%d}{case.pk:07d}"


def _category(code: str) -> Category | None:
    if not code:
        return None
    return Category.objects.filter(code=code, active=True).first()


def _place(case: Case, area_code: str) -> None:
    if case.lon is not None and case.lat is not None:
        location = locate(case.lon, case.lat)
        if location.grid_code:
            case.area_code = location.microgrid_code or location.grid_code
            case.grid_id = _grid_id(location.grid_code)
            return
    case.area_code = area_code


def _grid_id(code: str) -> int | None:
    from finegrid.grid.models import Grid

    return Grid.objects.filter(code=code).values_list("pk", flat=True).first()


def outcome_case(case: Case) -> Case:
    """The case whose progress a reporter should see: a merged duplicate follows its master."""
    seen = {case.pk}
    while case.master_id and case.master_id not in seen:
        case = case.master
        seen.add(case.pk)
    return case
