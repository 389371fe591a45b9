"""What the apps declare on their AppConfig for the platform to pick up, so the engine and the
console never list the apps built on them: `worker_steps` (the worker), `reports` (`finegrid
report NAME`), `intake_channels` (where a case may come from), `overview_panels` (the leader's
overview), `nav_links` (the console menu: (label, url name, roles that see it or None[, dotted path of a
predicate(user) the page needs besides a role])), `task_measures` (sources of figures a key task may
be measured by: code, label, dotted path, parameters — see finegrid/tasks/measures.py),
`audit_words` ((action code, label) for the auditor's log of what the app's `audit()` calls write),
`warm_ups` (dotted paths of functions a server process calls before its first request) and
`api_routes` (modules whose import adds the app's routes to the REST API, imported when the URLconf
is read: cases.api.urls). A new app adds a line to its own apps.py; nothing below it changes."""

from django.apps import apps


def declared(attribute: str) -> list:
    """Every app's items of `attribute`, in INSTALLED_APPS order."""
    return [item for config in apps.get_app_configs() for item in getattr(config, attribute, ())]


def nav_link_shown(entry: tuple, roles, user) -> bool:
    """Whether a `nav_links` entry (label, url name, roles or None[, predicate]) shows to `user`
    holding `roles`. The optional fourth item is the dotted path of `predicate(user) -> bool`, for
    a link whose page needs more than a role (a region, a unit): a link that would answer 404 to
    the user is not shown."""
    _label, _name, allowed, *rest = entry
    if allowed is not None and not roles & allowed:
        return False
    if not rest:
        return True
    from django.utils.module_loading import import_string

    return bool(import_string(rest[0])(user))
