"""A state machine over any model that has a `state`, a `version` column and its own transition
table (a `TransitionRecord` subclass). `Case` is its first user; a petition or a key task is the
next: each describes its actions once, in a table of `Action`s, and gets `perform`, the buttons
(`allowed`), replay for `finegrid check` and notices from the transition rows.

`perform` keeps one order: authorise → the action's readiness and input checks → its change, as
plain values → one conditional UPDATE on the version (two people acting at once: exactly one
wins) with the transition row, in one transaction. Side effects (notices, webhooks) never run
inside the write: the worker's notice step reads the new transition rows afterwards."""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

SYSTEM = "system"  # the worker and automatic steps act under this role


class TransitionError(Exception):
    """An action that may not be taken; the message says why, in the user's language."""


class Conflict(TransitionError):
    """Somebody else changed the object first."""


@dataclass(frozen=True)
class Input:
    """One input an action takes besides its reason: the console form, the API and the CLI read this."""

    name: str
    kind: str = "text"  # text | unit | int | ticket | limit | category
    required: bool = False
    label: str = ""  # what a form and a refusal call it (lazy text); the name when empty


@dataclass(frozen=True)
class Action:
    """Everything about one action, in one place.

    - `sources` → `target`: the states it may start from and where it leads (None: the state stays;
      a dict: the target depends on the source, as 回退's one step back does);
    - `ready(obj, ctx)`: None when it may be taken now whatever the inputs, else why not (so a page
      offers only buttons that work);
    - `check(obj, step, ctx)`: raises TransitionError when the inputs are wrong;
    - `change(obj, step, ctx)`: the fields it sets, as plain values;
    - `record(obj, step, ctx, changes)`: what the transition row keeps besides the inputs;
    - `counts`: the counter column replay adds one to; `then(obj, step, transition)`: an action
      that follows at once (automatic 派遣 after 立案); `notices(row, obj)`: whom the stored row tells
      what, turned into inbox notices by the worker's notice step, never inside the write."""

    name: str
    label: str
    sources: frozenset
    target: str | dict | None
    roles: frozenset
    needs_reason: bool = False
    inputs: tuple = ()
    photos: bool = False
    automatic: bool = False  # the system's own step (report, warnings): never a button
    ready: Callable | None = None
    check: Callable | None = None
    change: Callable | None = None
    record: Callable | None = None
    counts: str = ""
    then: Callable | None = None
    notices: Callable | None = None  # (transition row, subject) → the notices.Draft list it tells
    public: Callable | None = None  # (transition row) → how it reads to the reporter; None: never shown

    def target_from(self, state: str) -> str:
        if isinstance(self.target, dict):
            return self.target[state]
        return self.target or state

    def input_names(self) -> frozenset:
        return frozenset(i.name for i in self.inputs)


@dataclass
class Step:
    """Everything an action needs besides the object: who, when, why and its own inputs."""

    actor: object
    role: str
    now: datetime
    reason: str = ""
    unit: object = None
    data: dict = field(default_factory=dict)


class Context:
    """What an object's checks and changes read besides the object, loaded on first use and kept
    for the action: the calendar in force, the object's last step of a kind. Apps subclass it
    (a case's adds its category rule); a batch passes what it already knows as keywords."""

    inputs: dict = {}  # the step's inputs while an action is taken; none while a page asks what to offer

    def __init__(self, obj, **known):
        self.obj = obj
        self.__dict__.update(known)

    @cached_property
    def calendar(self):
        from .deadlines import calendar_in_force

        return calendar_in_force()

    def last(self, action: str):
        """The object's last transition of `action`, or None."""
        return self.obj.transitions.filter(action=action).order_by("-seq").first()


@dataclass
class Replayed:
    state: str
    version: int
    counters: dict
    problems: list


MACHINES: list = []  # every machine, for the notice step and `finegrid check`


class Machine:
    """The engine for one model. `subject` names the transition table's foreign key to the model;
    `authority(user, act, obj)` gives the role a person acts under, or None; `context(obj)`
    builds what the checks and changes read (loaded lazily, once per action); `attach` stores
    evidence files with the transition; `link(obj)` is where a notice's reader sees the object;
    `notice_related` what the notice step reads with each row, `notice_fields` which of their
    columns (the fewer, the faster); `notice_subject` the Notice foreign key filled with the
    subject, when there is one (a case's)."""

    def __init__(self, *, model, transitions, subject: str, actions: dict, authority: Callable,
                 context: Callable, link: Callable, attach: Callable | None = None,
                 check_file: Callable | None = None, notice_related: tuple = (), notice_subject: str = "",
                 notice_fields: tuple = ()):
        self.model, self.transitions, self.subject = model, transitions, subject
        self.actions, self.authority, self.context, self.link = actions, authority, context, link
        self.attach, self.check_file = attach, check_file
        self.notice_related, self.notice_subject = notice_related or (subject,), notice_subject
        self.notice_fields = notice_fields  # what the notice step reads of each row (empty: all)
        self.label = transitions._meta.label_lower
        self.subject_type = model._meta.label_lower
        self.counters = sorted({a.counts for a in actions.values() if a.counts})
        if all(m.label != self.label for m in MACHINES):
            MACHINES.append(self)

    # ── taking an action ────────────────────────────────────────────────────────────────────

    def perform(self, obj, action: str, actor=None, *, reason: str = "", unit=None, data: dict | None = None,
                now: datetime | None = None, role: str | None = None, evidence=(), context=None):
        """Take `action` on `obj` as `actor` (None = the system). Raises TransitionError with the
        reason when it may not be taken; `obj` is updated in memory on success."""
        act = self.actions.get(action)
        if act is None or "" in act.sources:  # an opening (a case's report) is never taken on an object
            raise TransitionError(_("unknown action %(action)s") % {"action": action})
        data = dict(data or {})
        unknown = sorted(data.keys() - act.input_names())
        if unknown:
            raise TransitionError(_("unknown input %(keys)s") % {"keys": ", ".join(unknown)})
        step = Step(actor, role or self._role(actor, act, obj), now or timezone.now(), reason.strip(), unit, data)
        ctx = context or self.context(obj)
        self._validate(obj, act, step, ctx)
        self._check_evidence(act, evidence)
        changes = act.change(obj, step, ctx) if act.change else {}
        transition = self._write(obj, act, step, ctx, changes, evidence)
        if act.then:
            act.then(obj, step, transition)
        return transition

    def _role(self, actor, act: Action, obj) -> str:
        if actor is None:
            if SYSTEM not in act.roles:
                raise TransitionError(_("%(action)s needs a person") % {"action": act.label})
            return SYSTEM
        role = self.authority(actor, act, obj)
        if role is None:
            raise TransitionError(_("you may not %(action)s this case") % {"action": str(act.label).lower()})
        return role

    def _validate(self, obj, act: Action, step: Step, ctx) -> None:
        if obj.state not in act.sources:
            raise TransitionError(_("%(action)s is not possible while the case is %(state)s") % {
                "action": act.label, "state": obj.get_state_display()})
        if act.needs_reason and not step.reason:
            raise TransitionError(_("%(action)s needs a reason") % {"action": act.label})
        missing = [str(i.label or i.name) for i in act.inputs if i.required and _absent(i, step)]
        if missing:
            raise TransitionError(_("%(action)s needs %(inputs)s") % {"action": act.label, "inputs": ", ".join(missing)})
        ctx.inputs = step.data  # readiness is judged on what the step gives (立案 under a corrected category)
        why_not = act.ready(obj, ctx) if act.ready else None
        if why_not:
            raise TransitionError(why_not)
        if act.check:
            act.check(obj, step, ctx)

    def _check_evidence(self, act: Action, uploads) -> None:
        if uploads and self.check_file is None:
            raise TransitionError(_("%(action)s takes no files") % {"action": act.label})
        for upload in uploads:
            self.check_file(upload)

    def _write(self, obj, act: Action, step: Step, ctx, changes: dict, evidence=()):
        from_state = obj.state
        to_state = act.target_from(from_state)
        changes = {**changes, "state": to_state, "updated_at": step.now}
        if act.counts:
            changes[act.counts] = getattr(obj, act.counts) + 1
        recorded = {**step.data, **(act.record(obj, step, ctx, changes) if act.record else {})}
        try:
            with transaction.atomic():
                won = self.model.objects.filter(pk=obj.pk, version=obj.version).update(
                    version=F("version") + 1, **changes)
                if not won:
                    raise Conflict(_("somebody else changed the case first; reload it and try again"))
                transition = self.transitions.objects.create(
                    **{self.subject: obj}, seq=obj.version + 1, action=act.name, from_state=from_state,
                    to_state=to_state, actor=step.actor, actor_label=actor_label(step.actor), role=step.role,
                    unit=step.unit or getattr(obj, "unit", None), at=step.now, reason=step.reason, data=recorded)
                if evidence:
                    self.attach(obj, transition, evidence, step.actor)
        except IntegrityError:  # the transition's (subject, seq) was taken by a concurrent writer
            raise Conflict(_("somebody else changed the case first; reload it and try again"))
        for name, value in changes.items():
            setattr(obj, name, value)
        obj.version += 1
        return transition

    def open(self, obj, action: str, actor=None, *, now: datetime | None = None, data: dict | None = None):
        """Saves a new object with the first row of its history (`action`, from no state): an app's
        own opening of one object. Cases open through intake, which writes whole batches."""
        act, now = self.actions[action], now or timezone.now()
        if "" not in act.sources:
            raise TransitionError(_("unknown action %(action)s") % {"action": action})
        obj.state, obj.version = act.target_from(""), 1
        with transaction.atomic():
            obj.save()
            self.transitions.objects.create(
                **{self.subject: obj}, seq=1, action=act.name, from_state="", to_state=obj.state, actor=actor,
                actor_label=actor_label(actor), role="" if actor else SYSTEM, unit=getattr(obj, "unit", None),
                at=now, data=dict(data or {}))
        return obj

    # ── what a page offers ──────────────────────────────────────────────────────────────────

    def allowed(self, obj, user) -> list[Action]:
        """The actions `user` may take on `obj` now and whose readiness check passes: the buttons
        a page shows. Inputs are checked when the action is taken."""
        offered = [act for act in self.actions.values()
                   if not act.automatic and obj.state in act.sources and self.authority(user, act, obj) is not None]
        if not offered:
            return []
        ctx = self.context(obj)
        return [act for act in offered if not (act.ready and act.ready(obj, ctx))]

    # ── replay ──────────────────────────────────────────────────────────────────────────────

    def replay(self, rows) -> Replayed:
        """Walk the transitions in order, checking each starts where the last ended and is legal."""
        state, problems = "", []
        counters = dict.fromkeys(self.counters, 0)
        for expected_seq, row in enumerate(rows, start=1):
            if row.seq != expected_seq:
                problems.append(f"transition #{row.seq} where #{expected_seq} was expected")
            if row.from_state != state:
                problems.append(f"#{row.seq} {row.action} starts from {row.from_state!r}, the case was {state!r}")
            act = self.actions.get(row.action)
            if act is None or row.from_state not in act.sources or act.target_from(row.from_state) != row.to_state:
                problems.append(f"#{row.seq} {row.action} {row.from_state!r}→{row.to_state!r} is not a legal step")
            elif act.counts:
                counters[act.counts] += 1
            state = row.to_state
        return Replayed(state, len(rows), counters, problems)

    def disagreements(self, obj, rows) -> list[str]:
        """Why the stored object disagrees with its history; empty when it agrees."""
        result = self.replay(rows)
        problems = list(result.problems)
        if result.state != obj.state:
            problems.append(f"stored state {obj.state!r}, history says {result.state!r}")
        if result.version != obj.version:
            problems.append(f"stored version {obj.version}, history has {result.version} transitions")
        for name, value in result.counters.items():
            if getattr(obj, name) != value:
                problems.append(f"stored {name} {getattr(obj, name)}, history says {value}")
        return problems


def watched_actions(sources, *, warned: Callable | None = None, escalated: Callable | None = None) -> list[Action]:
    """The deadline worker's own two steps (`supervision`), as every watched model takes them:
    `warn` sets the alarm (yellow 临期, red 超期), `escalate` the level; `warned` and `escalated`
    say whom each tells. The model needs `alarm` and `escalation` columns."""
    sources, system = frozenset(sources), frozenset({SYSTEM})
    return [
        Action("warn", gettext_lazy("Deadline warning"), sources, None, system, automatic=True,
               inputs=(Input("alarm", required=True),), change=lambda obj, step, ctx: {"alarm": step.data["alarm"]},
               notices=warned),
        Action("escalate", gettext_lazy("Escalate"), sources, None, system, automatic=True,
               inputs=(Input("level", "int", required=True),),
               change=lambda obj, step, ctx: {"escalation": step.data["level"]}, notices=escalated),
    ]


def _absent(spec: Input, step: Step) -> bool:
    """A required input the step does not give: a unit travels as the step's `unit`, the rest in its data."""
    if spec.kind == "unit":
        return step.unit is None
    value = step.data.get(spec.name)
    return value is None or (isinstance(value, str) and not value.strip())


def actor_label(actor) -> str:
    return getattr(actor, "username", None) or "system"
