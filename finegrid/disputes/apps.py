from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The roles that see the menu link (org.models.Role's values: the models are not loaded yet here).
DESK_ROLES = frozenset({"grid_worker", "handler", "supervisor", "petition_office", "leader"})


class DisputesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "finegrid.disputes"
    verbose_name = _("Disputes and mediation")
    audit_words = (("disputes.party_phone", _("Party's phone read")),)
    overview_panels = (("disputes", _("Disputes (矛盾纠纷)"), "finegrid.disputes.panels.overview",
                        "disputes/_overview.html"),)
    api_routes = ("finegrid.disputes.api",)  # /api/v1/disputes… beside the cases (cases.api.urls)
    nav_links = ((_("Mediation desk"), "disputes:desk", DESK_ROLES, "finegrid.disputes.access.sees_disputes"),)

    def ready(self):
        from . import engine  # noqa: F401 — the machine, the watch, the cohort
