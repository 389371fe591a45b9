"""Opening many cases at once (hotline batches, imports, the benchmark): the same rules as
`reporting.open_case` and the workflow's accept and dispatch, computed for a whole batch — one
vectorised location, one read of the catalogue, the calendar and the matrix — and written with
bulk inserts. Each case still gets its own transition rows, so its history replays."""

import functools
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models.base import ModelState
from django.utils import timezone

from finegrid.grid.locate import current_index
from finegrid.grid.models import Grid
from finegrid.org.responsibility import Matrix

from . import bulk_insert as rows
from . import deadlines
from .bulk_insert import Step
from .calendar import HOTLINE_TIERS, Limit
from .models import Case, Category, CategoryRule, Notice


@dataclass
class Report:
    """One report to open: what a channel knows about the problem."""

    title: str
    channel: str = "other"
    category_code: str = ""
    description: str = ""
    lon: float | None = None
    lat: float | None = None
    address: str = ""
    area_code: str = ""  # when there is no point: the area a place name gave (a point overrides it)
    reporter_name: str = ""
    reporter_phone: str = ""
    urgency: str = ""
    external_id: str = ""
    reported_at: datetime | None = None
    extra: dict = field(default_factory=dict)
    grid_code: str = ""  # set by a caller that located the report already (intake): not located again
    reporter_id: int | None = None
    anonymous: bool = False
    actor: object = None  # who reported (the report row's actor); the batch's `actor` when None
    accept: bool = True  # False: stays 信息采集 even when the batch accepts (an operator's API report)


@dataclass
class Batch:
    """What a batch needs to know once: categories, their current rules, the calendar, the matrix."""

    categories: dict
    rules: dict
    calendar: object
    units: dict = field(default_factory=dict)  # (category code, community code) → unit or None
    grids: dict = field(default_factory=dict)
    matrix: Matrix | None = None  # read at the first case that needs it, in one query
    due: dict = field(default_factory=dict)  # (start, limit) → Deadline: the calendar is pure, so ask it once
    conditions: dict = field(default_factory=dict)  # rule id → (first condition, its limit)
    data: dict = field(default_factory=dict)  # transitions' data, one object per distinct value (encoded once)

    def responsibility(self) -> Matrix:
        if self.matrix is None:
            self.matrix = Matrix()
        return self.matrix


def open_many(reports: list[Report], *, accept: bool = False, actor=None, now=None, units: dict | None = None) -> list[Case]:
    """Open the reports as cases; with `accept`, also 立案 those whose category is known and needs
    no on-site verification, and 派遣 those the matrix names one unit for. `units` may carry the
    matrix's answers across batches ((category code, community code) → unit or None)."""
    now = now or timezone.now()
    batch = _batch_context(reports)
    if units is not None:
        batch.units = units
    cases = [_case_of(report, batch, now) for report in reports]
    _locate([case for case, report in zip(cases, reports) if not report.grid_code], batch)
    # Every field is decided before the INSERT, so each row is written once.
    steps = [_steps(case, batch, accept and report.accept, actor, now) for case, report in zip(cases, reports)]
    for case_steps, report in zip(steps, reports):
        if report.actor is not None:
            case_steps[0] = _reported_by(case_steps[0], report.actor)
    with transaction.atomic():
        rows.insert_cases(cases, now)
        rows.insert_transitions(cases, steps)
        _notify_units(cases)
    return cases


def _batch_context(reports) -> Batch:
    codes = {r.category_code for r in reports if r.category_code}
    categories = Category.objects.in_bulk(list(codes), field_name="code")
    rules = {}
    for rule in CategoryRule.objects.filter(category__code__in=codes).prefetch_related("conditions").order_by("version"):
        rules[rule.category_id] = rule  # the last, highest version wins
    return Batch(categories, rules, deadlines.calendar_in_force(), grids=dict(Grid.objects.values_list("code", "pk")))


def _case_of(report: Report, batch: Batch, now) -> Case:
    category = batch.categories.get(report.category_code)
    values = _blank_case()
    for name, value in (
        ("channel", report.channel), ("title", report.title[:200]), ("description", report.description),
        ("address", report.address[:200]), ("area_code", report.area_code), ("lon", report.lon), ("lat", report.lat),
        ("reporter_name", report.reporter_name), ("reporter_phone", report.reporter_phone), ("urgency", report.urgency),
        ("external_id", report.external_id), ("reported_at", report.reported_at or now), ("state", Case.State.COLLECTED),
        ("version", 1), ("category_id", category.pk if category else None),
        ("grid_id", batch.grids.get(report.grid_code)), ("reporter_id", report.reporter_id),
        ("anonymous", report.anonymous),
    ):
        values[_CASE_COLUMN[name]] = value
    # Filled in directly, as a row read from the database is: Model.__init__'s per-field work
    # (defaults, descriptors) was a tenth of a batch's time.
    case = Case.__new__(Case)
    case.__dict__.update(zip(_CASE_COLUMN, values))
    case._state = ModelState()
    if category is not None:
        Case.category.field.set_cached_value(case, category)
    return case


_CASE_COLUMN = {f.attname: i for i, f in enumerate(Case._meta.concrete_fields)}


@functools.cache
def _defaults() -> tuple:
    return tuple(f.get_default() for f in Case._meta.concrete_fields)


def _blank_case() -> list:
    return list(_defaults())


def _locate(cases: list[Case], batch: Batch) -> None:
    placed = [c for c in cases if c.lon is not None and c.lat is not None]
    if not placed:
        return
    index = current_index()
    grid_indexes, micro_indexes = index.locate_many([c.lon for c in placed], [c.lat for c in placed])
    for case, g, m in zip(placed, grid_indexes, micro_indexes):
        if g >= 0:
            grid_code = index.grid_codes[g]
            micro = index.micro_codes[m] if m >= 0 else ""
            case.area_code = micro if micro.startswith(grid_code) else grid_code
            case.grid_id = batch.grids.get(grid_code)


def _reported_by(step: Step, actor) -> Step:
    return step._replace(actor_id=actor.pk, actor_label=actor.username)


def _steps(case: Case, batch: Batch, accept: bool, actor, now) -> list[Step]:
    """The transitions of one case, and its fields set as the workflow would set them."""
    steps = [_row(case, "report", "", Case.State.COLLECTED, actor, now, data=_shared(batch, channel=case.channel))]
    report = _report_category(case, batch)
    if accept and report is not None:
        steps += _accept_and_dispatch(case, report, batch, actor, now)
    case.version = len(steps)
    return steps


def _accept_and_dispatch(case: Case, report, batch: Batch, actor, now) -> list[Step]:
    steps = []
    category, rule = report
    if rule.verify_required:
        return steps  # 核实 on site first: an operator accepts after the grid worker's visit
    _accept(case, rule, batch, now)
    steps.append(_row(case, "accept", Case.State.COLLECTED, Case.State.ACCEPTED, actor, now,
                      data=_shared(batch, due_at=case.due_iso)))
    unit = _unit_for(case, category, batch)
    if unit is not None:
        case.state, case.unit, case.dispatched_at = Case.State.DISPATCHED, unit, now
        steps.append(_row(case, "dispatch", Case.State.ACCEPTED, Case.State.DISPATCHED, None, now,
                          data=_shared(batch, unit=unit.code), role="system"))
    return steps


def _report_category(case: Case, batch: Batch):
    rule = batch.rules.get(case.category_id) if case.category_id else None
    return None if rule is None else (case.category, rule)


def _accept(case: Case, rule: CategoryRule, batch: Batch, now) -> None:
    condition, limit = _first_condition(rule, batch)
    limit = HOTLINE_TIERS.get(case.urgency) or limit
    if (now, limit) not in batch.due:
        deadline = batch.calendar.deadline(now, limit)
        batch.due[now, limit] = (deadline, deadline.due.isoformat())
    deadline, case.due_iso = batch.due[now, limit]
    case.rule, case.condition, case.state, case.accepted_at = rule, condition, Case.State.ACCEPTED, now
    case.limit_value, case.limit_kind = limit.value, limit.kind.value
    case.due_at, case.due_provisional, case.next_check_at = deadline.due, deadline.provisional, now


def _first_condition(rule: CategoryRule, batch: Batch) -> tuple:
    """The rule's first 立案 condition and its time limit, worked out once per batch."""
    if rule.pk not in batch.conditions:
        condition = min(rule.conditions.all(), key=lambda c: c.seq)
        batch.conditions[rule.pk] = (condition, Limit(condition.limit_value, condition.limit_kind))
    return batch.conditions[rule.pk]


def _unit_for(case: Case, category: Category, batch: Batch):
    key = (category.code, case.area_code[:12])
    if key not in batch.units:
        primary = [row.unit for row in batch.responsibility().rows_for(category.code, case.area_code[:12]) if row.primary]
        batch.units[key] = primary[0] if len(primary) == 1 else None
    return batch.units[key]


def _shared(batch: Batch, **data) -> dict:
    (key,) = data.items()
    return batch.data.setdefault(key, data)


def _row(case, action, from_state, to_state, actor, now, data=None, role=None) -> Step:
    return Step(action, from_state, to_state, actor.pk if actor is not None else None,
                getattr(actor, "username", None) or case.channel, role or "", now, data or {})


def _notify_units(cases: list[Case]) -> None:
    """One inbox notice per unit per batch ("12 new cases"), not one per case."""
    per_unit: dict = {}
    for case in cases:
        if case.unit_id:
            per_unit.setdefault(case.unit, []).append(case)
    Notice.objects.bulk_create([
        Notice(kind="assigned", unit=unit, title=f"{len(batch)} 件新案件 / {len(batch)} new cases",
               body=", ".join(c.ticket for c in batch[:50]))
        for unit, batch in per_unit.items()
    ])
