"""What the apps declare on their AppConfig for the platform to pick up, so the engine and the
console never list the apps built on them: `worker_steps` (the worker), `reports` (`finegrid
report NAME`), `intake_channels` (where a case may come from), `overview_panels` (the leader's
overview), `nav_links` (the console menu: (label, url name, roles that see it or None)),
`task_measures` (sources of figures a key task may be measured by: code, label, dotted
path, parameters — see finegrid/tasks/measures.py), `audit_words` ((action code, label) for the auditor's log of what the app's `audit()` calls write)
and `warm_ups` (dotted paths of functions a server process calls before its first request). A new
app adds a line to its own apps.py; nothing below it changes."""

from django.apps import apps


def declared(attribute: str) -> list:
    """Every app's items of `attribute`, in INSTALLED_APPS order."""
    return [item for config in apps.get_app_configs() for item in getattr(config, attribute, ())]
