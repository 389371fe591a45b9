"""A posted form turned into one machine step, for every app's pages.

An action declares its inputs (`machine.Input`); a page posts them by name with the reason and the
version it showed. `read_posted` reads exactly those inputs by their kind, `take_posted` also
checks the version and takes the step. Whether an input is required, and whether its value is
right, stays the machine's and the action's own business (`Machine.perform`), so a form, the API
and the CLI are refused in the same words."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from finegrid.org.models import Unit

from .machine import TransitionError

LONGEST = 4000  # characters of one text input; the reason has its own limit
LONGEST_REASON = 2000
TRUE = frozenset({"1", "on", "true", "yes"})


@dataclass
class Posted:
    """One step as a page posted it: the inputs in the machine's terms."""

    reason: str = ""
    unit: Unit | None = None
    data: dict = field(default_factory=dict)
    version: int | None = None  # the version the page showed; None when it sent none


def read_posted(act, post) -> Posted:
    """The inputs `act` declares, read from `post` (a QueryDict) by their kind. A unit is posted
    by its code; a whole number that is not one is refused naming its label; empty text is left
    out, so the machine's own required-input check answers."""
    posted = Posted(reason=post.get("reason", "").strip()[:LONGEST_REASON], version=_version(post))
    for spec in act.inputs:
        if spec.kind == "unit":
            posted.unit = _unit(post.get(spec.name, "").strip())
        elif spec.kind == "list":
            posted.data[spec.name] = [value for value in post.getlist(spec.name) if value.strip()]
        elif spec.kind == "bool":
            posted.data[spec.name] = post.get(spec.name, "").strip().lower() in TRUE
        else:
            value = post.get(spec.name, "").strip()
            if value:
                posted.data[spec.name] = _whole(spec, value) if spec.kind == "int" else value[:LONGEST]
    return posted


def take_posted(machine, obj, act, request, *, evidence=(), post=None, actor=None, **overrides):
    """Take `act` on `obj` as the request's user with what the page posted. Raises Conflict when
    the page showed an older version (somebody acted since), TransitionError when the machine
    refuses; `overrides` replace what was read (an app that knows the acting unit itself). `post`
    stands for `request.POST` and `actor` for `request.user` when the step came another way (an
    API's JSON body as a QueryDict, its token's user)."""
    posted = read_posted(act, request.POST if post is None else post)
    if posted.version is not None:
        # The version the page showed: when someone acted since, the machine's conditional UPDATE refuses.
        obj.version = posted.version
    options = {"reason": posted.reason, "unit": posted.unit, "data": posted.data, **overrides}
    return machine.perform(obj, act.name, actor or request.user, evidence=evidence, **options)


def _version(post) -> int | None:
    try:
        return int(post["version"])
    except (KeyError, ValueError):
        return None


def _unit(code: str) -> Unit | None:
    if not code:
        return None
    unit = Unit.objects.filter(code=code[:32]).first()
    if unit is None:
        raise TransitionError(_("no unit has the code %(code)s") % {"code": code[:32]})
    return unit


def _whole(spec, value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise TransitionError(_("%(name)s is a whole number") % {"name": spec.label or spec.name}) from None
