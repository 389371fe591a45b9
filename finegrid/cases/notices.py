"""Notices: the in-app inbox of a person or a unit, and the feed that writes them.

The transition rows are the feed (healthchecks' `Flip`): no action writes a notice itself.
`fan_out`, a worker step, takes the rows of every machine not yet `notified`, asks each row's
action what it tells whom (`Action.notices`), writes the inbox notices, queues their outbound
copies (webhook, e-mail, SMS) and marks the rows — all in one transaction, so a worker killed
half-way leaves the rows unmarked and nothing written, and two workers never take the same row
(SKIP LOCKED on PostgreSQL; SQLite's write lock serialises them). Each notice carries a unique
`source` (row and recipient), so an inbox notice exists once whatever happens.

`notify` stays for notices that are not about a transition (a sensor alarm's own), and
`hand_to_emergency_services` tells the 110/119/120 liaisons of a case that is theirs too (联动)."""

from collections import Counter
from dataclasses import dataclass

from django.db import transaction

from .models import Notice

# Functions called with every batch of new notices (outbound channels register themselves here).
SENDERS: list = []
BATCH = 2000  # transition rows per transaction of the notice step


@dataclass(frozen=True)
class Draft:
    """What a transition tells one recipient (a person, or a whole unit)."""

    kind: str
    title: str
    body: str = ""
    unit_id: int | None = None
    recipient_id: int | None = None
    about: object = None  # the object the notice is about, when not the row's own subject

    def addressee(self) -> str:
        return f"unit:{self.unit_id}" if self.unit_id else f"person:{self.recipient_id}"


def notify(kind: str, case=None, *, unit=None, recipient=None, title: str, body: str = "") -> Notice:
    notice = Notice.objects.create(kind=kind, case=case, unit=unit, recipient=recipient, title=title, body=body,
                                   **_subject_of(case))
    _send([notice])
    return notice


# The emergency services a case can be handed to as well (联动), each with the unit that liaises
# with it: settings.FINEGRID_LIAISONS {"110": "gaj", ...}, from the variable FINEGRID_LIAISONS.
EMERGENCY_SERVICES = ("110", "119", "120")


def liaison_codes() -> dict[str, str]:
    from django.conf import settings

    configured = getattr(settings, "FINEGRID_LIAISONS", {})
    return {service.strip(): code.strip() for service, code in configured.items()
            if service.strip() in EMERGENCY_SERVICES and code.strip()}


def hand_to_emergency_services(case, services, why: str = "") -> list[Notice]:
    """Tell the configured liaison of each service (110 police, 119 fire, 120 ambulance) about
    the case: an escalation notice in the liaison unit's inbox, once per case and service however
    often it is called (its `source`). The case itself goes on along its own path (the 2-hour
    limit, dispatch, 核实) and is followed up there: the services are told, not given the case."""
    from finegrid.org.models import Unit

    codes = liaison_codes()
    units = {u.code: u for u in Unit.objects.filter(code__in=[codes[s] for s in services if s in codes])}
    drafts = [(service, units[codes[service]]) for service in services if codes.get(service) in units]
    sources = [f"liaison:{case.pk}:{service}" for service, _ in drafts]
    told = set(Notice.objects.filter(source__in=sources).values_list("source", flat=True))
    notices = [Notice(kind=Notice.Kind.ESCALATE, case=case, unit=unit, source=source,
                      title=f"{service}联动：{case.title}"[:200], body=why, **_subject_of(case))
               for (service, unit), source in zip(drafts, sources) if source not in told]
    Notice.objects.bulk_create(notices)
    _send(notices)
    return notices


def _subject_of(case) -> dict:
    if case is None:
        return {}
    from .workflow import case_link

    return {"subject_type": "cases.case", "subject_id": case.pk, "link": case_link(case)}


def _send(notices: list[Notice]) -> None:
    for hook in SENDERS:
        hook(notices)


def fan_out(limit: int = BATCH) -> dict:
    """One pass of the notice step over every machine's new transition rows; returns the counts."""
    from .machine import MACHINES

    counts = Counter()
    for machine in MACHINES:
        counts += _fan_out(machine, limit)
    return {"transitions": counts["transitions"], "notices": counts["notices"]}


def _fan_out(machine, limit: int) -> Counter:
    rows_of = machine.transitions.objects.select_for_update(skip_locked=True, of=("self",))
    with transaction.atomic():
        taken = list(rows_of.filter(notified=False).order_by("pk").values_list("pk", "action")[:limit])
        if not taken:
            return Counter()
        # Most steps tell nobody (a report, a 立案 before its 派遣): only the others are read whole.
        telling = [pk for pk, action in taken if getattr(machine.actions.get(action), "notices", None)]
        rows = machine.transitions.objects.filter(pk__in=telling).select_related(*machine.notice_related)
        if machine.notice_fields:
            rows = rows.only(*machine.notice_fields)
        notices = [notice for row in rows.order_by("pk") for notice in _notices_of(machine, row)]
        Notice.objects.bulk_create(notices)
        _send(notices)
        machine.transitions.objects.filter(pk__in=[pk for pk, _ in taken]).update(notified=True)
    return Counter(transitions=len(taken), notices=len(notices))


def _notices_of(machine, row) -> list[Notice]:
    act = machine.actions.get(row.action)
    if act is None or act.notices is None:
        return []
    found, seen = [], set()
    for draft in act.notices(row, getattr(row, machine.subject)):
        if draft.addressee() in seen or not (draft.unit_id or draft.recipient_id):
            continue
        seen.add(draft.addressee())
        subject = draft.about or getattr(row, machine.subject)
        found.append(Notice(
            kind=draft.kind, title=draft.title[:200], body=draft.body, unit_id=draft.unit_id,
            recipient_id=draft.recipient_id, source=f"{machine.label}:{row.pk}:{draft.addressee()}",
            subject_type=machine.subject_type, subject_id=subject.pk, link=machine.link(subject),
            **({machine.notice_subject: subject} if machine.notice_subject else {})))
    return found
