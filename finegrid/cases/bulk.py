"""Opening many cases at once (hotline batches, imports, the benchmark): the same rules as
`reporting.open_case`, and the action table's own accept and dispatch, run for a whole batch — one
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
from finegrid.org.responsibility import Matrix, unit_for

from . import bulk_insert as rows
from . import deadlines, phones
from .actions import ACTIONS
from .bulk_insert import Step
from .catalogue import condition_for
from .effects import Context
from .machine import SYSTEM, TransitionError
from .machine import Step as MachineStep
from .models import Case, Category, CategoryRule


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
    condition: str = ""  # the 立案条件 (its text) the reporter's answers chose; "" or unknown: the rule's first


@dataclass
class Batch:
    """What a batch needs to know once: categories, their current rules, the calendar, the matrix."""

    categories: dict
    rules: dict
    calendar: object
    units: dict = field(default_factory=dict)  # (category code, community code) → unit or None
    grids: dict = field(default_factory=dict)
    matrix: Matrix | None = None  # read at the first case that needs it, in one query
    data: dict = field(default_factory=dict)  # transitions' data, one object per distinct value (encoded once)

    def responsibility(self) -> Matrix:
        if self.matrix is None:
            self.matrix = Matrix()
        return self.matrix


class RememberingCalendar:
    """The calendar in force, asked once per (start, limit): a batch's cases share their moment and
    their few limits, and the calendar is pure."""

    def __init__(self, calendar):
        self.calendar, self.seen = calendar, {}

    def deadline(self, start, limit):
        key = (start, limit)
        if key not in self.seen:
            self.seen[key] = self.calendar.deadline(start, limit)
        return self.seen[key]

    def __getattr__(self, name):
        return getattr(self.calendar, name)


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
    steps = [_steps(case, batch, accept and report.accept, actor, now, report.condition)
             for case, report in zip(cases, reports)]
    for case_steps, report in zip(steps, reports):
        if report.actor is not None:
            case_steps[0] = _reported_by(case_steps[0], report.actor)
    with transaction.atomic():
        rows.insert_cases(cases, now)
        rows.insert_transitions(cases, steps)  # the units hear of their new cases from these rows (notices.fan_out)
    return cases


def _batch_context(reports) -> Batch:
    codes = {r.category_code for r in reports if r.category_code}
    categories = Category.objects.in_bulk(list(codes), field_name="code")
    rules = {}
    for rule in CategoryRule.objects.filter(category__code__in=codes).prefetch_related("conditions").order_by("version"):
        rules[rule.category_id] = rule  # the last, highest version wins
    return Batch(categories, rules, RememberingCalendar(deadlines.calendar_in_force()), grids=dict(Grid.objects.values_list("code", "pk")))


def _case_of(report: Report, batch: Batch, now) -> Case:
    category = batch.categories.get(report.category_code)
    values = _blank_case()
    phone, sealed = phones.stored(report.reporter_phone, report.anonymous)
    for name, value in (
        ("channel", report.channel), ("title", report.title[:200]), ("description", report.description),
        ("address", report.address[:200]), ("area_code", report.area_code), ("lon", report.lon), ("lat", report.lat),
        ("reporter_name", report.reporter_name), ("reporter_phone", phone), ("reporter_phone_sealed", sealed), ("urgency", report.urgency),
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


def _steps(case: Case, batch: Batch, accept: bool, actor, now, condition: str = "") -> list[Step]:
    """The transitions of one case, and its fields set by the action table's own checks and
    changes, as `workflow.perform` would set them one by one."""
    steps = [_row(case, "report", "", actor, "", now, _shared(batch, {"channel": case.channel}))]
    if accept and case.category_id is not None:
        ctx = Context(case, rule=batch.rules.get(case.category_id), calendar=batch.calendar)
        chosen = _condition_input(ctx.rule, condition)
        steps += filter(None, [_apply(case, "accept", MachineStep(actor, SYSTEM, now, data=chosen), ctx, batch)])
        unit = _unit_for(case, case.category, batch) if case.state == Case.State.ACCEPTED else None
        if unit is not None:
            steps += filter(None, [_apply(case, "dispatch", MachineStep(None, SYSTEM, now, unit=unit), ctx, batch)])
    case.version = len(steps)
    return steps


def _condition_input(rule, text: str) -> dict:
    """The accept step's `condition` input for the 立案条件 named by its text (none: the rule's first)."""
    found = condition_for(rule, text) if rule is not None and text else None
    return {"condition": found.seq} if found else {}


def _apply(case: Case, name: str, step: MachineStep, ctx: Context, batch: Batch) -> Step | None:
    """One action of the table on the unsaved case when its checks pass, and its transition row;
    None when they do not (核实 on site first, no rule): an operator takes it from there."""
    act, before = ACTIONS[name], case.state
    try:
        if act.ready and act.ready(case, ctx):
            return None
        act.check(case, step, ctx)
    except TransitionError:
        return None
    changes = act.change(case, step, ctx)
    recorded = act.record(case, step, ctx, changes) if act.record else {}
    for column, value in changes.items():
        _set(case, column, value)
    case.state = act.target_from(before)
    return _row(case, name, before, step.actor, "" if step.actor else SYSTEM, step.now,
                _shared(batch, {**step.data, **recorded}), unit_id=step.unit.pk if step.unit else None)


def _set(case: Case, name: str, value) -> None:
    """A change on the unsaved case. A related row goes straight to its id column and the cache:
    the relation's descriptor checks (its type, its database) were a tenth of a batch's time."""
    field = _RELATED.get(name)
    if field is None:
        setattr(case, name, value)
        return
    setattr(case, field.attname, value.pk if value is not None else None)
    field.set_cached_value(case, value)


_RELATED = {f.name: f for f in Case._meta.concrete_fields if f.is_relation}


def _unit_for(case: Case, category: Category, batch: Batch):
    # Keyed by community: the matrix names regions (district, street, community), never a grid,
    # so every case of a community gets the answer its full area code would get.
    key = (category.code, case.area_code[:12])
    if key not in batch.units:
        batch.units[key] = unit_for(category.code, case.area_code, batch.responsibility())
    return batch.units[key]


def _shared(batch: Batch, data: dict) -> dict:
    """The rows of a batch share their few distinct data objects (a channel, a deadline, a unit),
    so each is encoded once."""
    return batch.data.setdefault(tuple(data.items()), data)


def _row(case, action, from_state, actor, role, now, data, unit_id=None) -> Step:
    return Step(action, from_state, case.state, actor.pk if actor is not None else None,
                getattr(actor, "username", None) or (case.channel if action == "report" else "system"), role, now,
                data, unit_id)
