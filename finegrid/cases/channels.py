"""Where a case may come from: the engine's own channels (`Case.Channel`) and those the apps
declare on their AppConfig as `intake_channels = [(name, label)]` (a petition app's 信访, say),
so a new app opens cases through intake without editing the engine."""

import functools

from finegrid.core.declared import declared


def choices() -> list[tuple[str, str]]:
    from .models import Case

    own = list(Case.Channel.choices)
    taken = {name for name, _ in own}
    return own + [(name, label) for name, label in declared("intake_channels") if name not in taken]


@functools.cache
def known() -> frozenset:
    """Read once: the apps are all loaded by the time anything is taken in."""
    return frozenset(name for name, _ in choices())
