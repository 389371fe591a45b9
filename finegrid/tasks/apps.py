from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The values of org.models.Role (its models cannot be imported before the apps are loaded):
# the 督查室 and the leaders, unit handlers, the organisation department.
DESK_ROLES = frozenset({"supervision", "leader"})
HANDLER, ORGANISATION, LEADER = "handler", "organisation", "leader"


class TasksConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "finegrid.tasks"
    verbose_name = _("Key tasks (大督查)")
    audit_words = (("tasks.cadre.read", _("Cadre record read")),)
    # The roll-up of progress by weight, hourly; the daily 督办 pass is the engine's deadline worker.
    worker_steps = (("tasks", 3600, "finegrid.tasks.engine.step"),)
    # `finegrid report supervision --month 2026-11 --format docx|xlsx|html`: the monthly 督查通报.
    reports = (("supervision", "finegrid.tasks.report.write"),)
    overview_panels = (("keytasks", _("Key tasks (重点工作)"), "finegrid.tasks.panels.overview",
                        "tasks/_overview.html"),)
    nav_links = (
        (_("Key tasks"), "tasks:desk", DESK_ROLES),
        (_("Unit tasks"), "tasks:inbox", frozenset({HANDLER})),
        (_("Cadre evaluation"), "tasks:evaluation", frozenset({ORGANISATION, LEADER})),
    )

    def ready(self):
        from . import engine, rules  # noqa: F401 — registers the machines, the watches and the cohorts

        rules.connect()
