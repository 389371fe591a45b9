from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from finegrid.org.roles import Role  # the enum alone: importable while the apps load, unlike org.models

# The 督查室 and the leaders see every key task; unit handlers their inbox; the organisation
# department and the leaders the evaluation and the cadre records.
DESK_ROLES = frozenset({Role.SUPERVISION_OFFICE, Role.LEADER})
HANDLER, ORGANISATION, LEADER = Role.HANDLER, Role.ORGANISATION, Role.LEADER


class TasksConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "finegrid.tasks"
    verbose_name = _("Key tasks (大督查)")
    audit_words = (("tasks.cadre.read", _("Cadre record read")), ("tasks.cadre.write", _("Cadre record entered")),
                   ("tasks.cadre.file_read", _("Cadre record file read")),
                   ("tasks.competence.define", _("Competence dimensions or raters changed")),
                   ("tasks.figure.enter", _("Monthly figure entered")))
    # The roll-up of progress by weight, hourly; the daily 督办 pass is the engine's deadline worker.
    worker_steps = (("tasks", 3600, "finegrid.tasks.engine.step"),)
    # `finegrid report supervision --month 2026-11 --format docx|xlsx|html`: the monthly 督查通报.
    reports = (("supervision", "finegrid.tasks.report.write"),)
    overview_panels = (("keytasks", _("Key tasks (重点工作)"), "finegrid.tasks.panels.overview",
                        "tasks/_overview.html"),)
    # A key task measured by linked data: the tasks app's own monthly figures (others add theirs).
    task_measures = (("monthly_figure", _("A monthly figure"), "finegrid.tasks.measures.monthly_figure",
                      (("indicator", _("Indicator")),)),)
    nav_links = (
        (_("Key tasks"), "tasks:desk", DESK_ROLES),
        (_("Unit tasks"), "tasks:inbox", frozenset({HANDLER})),
        (_("Cadre evaluation"), "tasks:evaluation", frozenset({ORGANISATION, LEADER})),
    )

    def ready(self):
        from . import engine, rules  # noqa: F401 — registers the machines, the watches and the cohorts

        rules.connect()
