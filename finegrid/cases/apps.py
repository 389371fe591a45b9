from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "finegrid.cases"
    verbose_name = _("Cases")
    audit_words = (("catalogue.load", _("Category catalogue loaded")), ("catalogue.revise", _("Category catalogue revised")),
                   ("calendar.import", _("Work calendar imported")), ("case.phone_read", _("Reporter's phone read")))
    # A key task (finegrid.tasks) may be measured by the cases closed in a category and an area.
    task_measures = (("cases_closed", _("Cases closed in a category and area"), "finegrid.cases.measures.cases_closed",
                      (("category", _("Category code")), ("area", _("Area code")))),)

    def ready(self):
        from . import outbound  # noqa: F401 — registers the webhook, e-mail and SMS channels in notices.SENDERS
        from . import supervision  # noqa: F401 — registers Case with the deadline worker
