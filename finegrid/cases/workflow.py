"""Taking an action on a case: authorise → validate → compute the changes → write them with a
conditional UPDATE on the case's version (two people acting at once: exactly one wins) and the
transition row in the same transaction. Nothing is ever deleted."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from finegrid.org.models import Unit

from . import effects
from .actions import ACTIONS, SYSTEM, Action
from .authority import role_for
from .evidence import EvidenceError, attach, check_file
from .models import Case, Transition


class TransitionError(Exception):
    """An action that may not be taken; the message says why, in the user's language."""


class Conflict(TransitionError):
    """Somebody else changed the case first."""


@dataclass
class Step:
    """Everything an action needs besides the case: who, when, why and its own inputs."""

    actor: object
    role: str
    now: datetime
    reason: str = ""
    unit: Unit | None = None
    data: dict = field(default_factory=dict)


def perform(case: Case, action: str, actor=None, *, reason: str = "", unit: Unit | None = None,
            data: dict | None = None, now: datetime | None = None, role: str | None = None,
            evidence=()) -> Transition:
    """Take `action` on `case` as `actor` (None = the system), with optional evidence files
    (photos of the 反馈). Raises TransitionError with the reason when it may not be taken.
    `case` is updated in memory on success."""
    act = ACTIONS.get(action)
    if act is None or action == "report":
        raise TransitionError(_("unknown action %(action)s") % {"action": action})
    data = dict(data or {})
    if data.keys() & effects.INTERNAL_KEYS:  # the workflow fills these itself; a caller must not
        raise TransitionError(_("unknown input %(keys)s") % {"keys": ", ".join(sorted(data.keys() & effects.INTERNAL_KEYS))})
    step = Step(actor, role or _role(actor, act, case), now or timezone.now(), reason.strip(), unit, data)
    _validate(case, act, step)
    _check_evidence(evidence)
    changes = effects.changes_for(case, act, step)
    return _write(case, act, step, changes, evidence)


def _check_evidence(uploads) -> None:
    for upload in uploads:
        try:
            check_file(upload)
        except EvidenceError as error:
            raise TransitionError(str(error))


def _role(actor, act: Action, case: Case) -> str:
    if actor is None:
        if SYSTEM not in act.roles:
            raise TransitionError(_("%(action)s needs a person") % {"action": act.label})
        return SYSTEM
    role = role_for(actor, act, case)
    if role is None:
        raise TransitionError(_("you may not %(action)s this case") % {"action": str(act.label).lower()})
    return role


def _validate(case: Case, act: Action, step: Step) -> None:
    if case.state not in act.sources:
        message = _("%(action)s is not possible while the case is %(state)s") % {
            "action": act.label, "state": case.get_state_display()
        }
        raise TransitionError(message)
    if act.needs_reason and not step.reason:
        raise TransitionError(_("%(action)s needs a reason") % {"action": act.label})
    effects.check(case, act, step)


def _write(case: Case, act: Action, step: Step, changes: dict, evidence=()) -> Transition:
    from_state = case.state
    to_state = act.target_from(from_state)
    changes = {**changes, "state": to_state, "updated_at": step.now}
    try:
        with transaction.atomic():
            won = Case.objects.filter(pk=case.pk, version=case.version).update(version=F("version") + 1, **changes)
            if not won:
                raise Conflict(_("somebody else changed the case first; reload it and try again"))
            transition = Transition.objects.create(
                case=case, seq=case.version + 1, action=act.name, from_state=from_state, to_state=to_state,
                actor=step.actor, actor_label=_label(step.actor), role=step.role, unit=step.unit or case.unit,
                at=step.now, reason=step.reason, data=effects.recorded_data(act, step, changes),
            )
            attach(case, transition, evidence, step.actor)
    except IntegrityError:  # the transition's (case, seq) was taken by a concurrent writer
        raise Conflict(_("somebody else changed the case first; reload it and try again"))
    for name, value in changes.items():
        setattr(case, name, value)
    case.version += 1
    effects.after(case, act, step, transition)
    return transition


def _label(actor) -> str:
    return getattr(actor, "username", None) or "system"


def allowed_actions(case: Case, user) -> list[Action]:
    """The actions this user may take on this case now (the buttons a page shows)."""
    found = []
    for act in ACTIONS.values():
        if act.name in ("report", "warn", "escalate") or case.state not in act.sources:
            continue
        if role_for(user, act, case) is not None:
            found.append(act)
    return found
