"""The auditor's log: what `audit()` wrote (sign-ins, unlocks, administrative changes) and, read
straight from the transition rows of every machine, every action taken on a case (a petition, a
key task…) — from the console, the API, a batch import or the worker alike, since all of them
write those rows and none writes an audit entry for them.

The two sources are read newest first, each down its own time index, and merged: a page never
sorts the union of millions of rows."""

import heapq
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from itertools import islice

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_date

from finegrid.cases.machine import MACHINES
from finegrid.core.models import AuditEntry

from .audit_words import action_words, detail_text


@dataclass(frozen=True)
class Line:
    at: datetime
    actor_label: str
    action: str
    target: str
    detail: dict
    label: str = ""  # the action's name in the reader's language (立案, 登录), beside its code
    detail_words: str = ""  # the detail as "label: value" pairs in the reader's language


def lines(query) -> "heapq.merge":
    """Every line matching the auditor's filters (action, actor, q, from, to), newest first."""
    sources = [_entries(query), *(_steps(machine, query) for machine in MACHINES)]
    return heapq.merge(*sources, key=lambda line: line.at, reverse=True)


def page(query, number: int, size: int) -> list[Line]:
    """Page `number` (1-based) of `size` lines, and one more to tell whether a next page exists."""
    return list(islice(lines(query), (number - 1) * size, number * size + 1))


def actions() -> list[tuple[str, str]]:
    """Every action the filter offers, as (code, label): each machine's whole action table, every
    declared entry and whatever else has been recorded."""
    words = action_words()
    recorded = AuditEntry.objects.order_by("action").values_list("action", flat=True).distinct()
    found = {code: str(words.get(code, "")) for code in (*recorded, *words)}
    for machine in MACHINES:
        for name, act in machine.actions.items():
            found[f"{machine.subject}_{name}"] = f"{machine.model._meta.verbose_name}·{act.label}"
    return sorted(found.items())


def _window(query, field: str = "at") -> Q:
    zone, found = timezone.get_default_timezone(), Q()
    if day := parse_date(query.get("from", "") or ""):
        found &= Q(**{f"{field}__gte": datetime.combine(day, time.min, zone)})
    if day := parse_date(query.get("to", "") or ""):
        found &= Q(**{f"{field}__lt": datetime.combine(day + timedelta(days=1), time.min, zone)})
    return found


def _entries(query):
    rows = AuditEntry.objects.filter(_window(query))
    if query.get("action"):
        rows = rows.filter(action=query["action"])
    if query.get("actor"):
        rows = rows.filter(actor_label=query["actor"])
    if query.get("q"):
        rows = rows.filter(Q(target__icontains=query["q"]) | Q(action__icontains=query["q"]))
    words = action_words()
    for entry in rows.order_by("-at", "-pk").iterator(chunk_size=500):
        yield Line(entry.at, entry.actor_label, entry.action, entry.target, entry.detail,
                   str(words.get(entry.action, "")), detail_text(entry.detail))


def _steps(machine, query):
    """One machine's transition rows as audit lines: "case_accept" on ticket 2603100000001."""
    prefix, subject = f"{machine.subject}_", machine.subject
    wanted = query.get("action", "")
    if wanted and not wanted.startswith(prefix):
        return
    rows = machine.transitions.objects.filter(_window(query)).select_related(subject)
    if wanted:
        rows = rows.filter(action=wanted[len(prefix):])
    if query.get("actor"):
        rows = rows.filter(actor_label=query["actor"])
    target = "ticket" if hasattr(machine.model, "ticket") else "pk"
    if query.get("q"):
        text = query["q"]
        rows = rows.filter(Q(**{f"{subject}__{target}__icontains": text}) | Q(action__icontains=text))
    states = _state_words(machine.model)
    for row in rows.order_by("-at", "-pk").iterator(chunk_size=500):
        detail = {"seq": row.seq, "from": row.from_state, "to": row.to_state, "role": row.role,
                  **({"reason": row.reason} if row.reason else {}), **row.data}
        act = machine.actions.get(row.action)
        yield Line(row.at, row.actor_label, prefix + row.action, str(getattr(getattr(row, subject), target)), detail,
                   str(act.label) if act else "", detail_text(detail, states))


def _state_words(model) -> dict:
    try:
        field = model._meta.get_field("state")
    except FieldDoesNotExist:  # a machine's model without a state field: its codes stay
        return {}
    return {value: str(label) for value, label in field.choices or ()}
