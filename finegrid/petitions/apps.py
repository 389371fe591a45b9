from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Role values, not the enum: models are not loaded when the app configs are read.
PETITION_DESK = {"petition_office"}


class PetitionsConfig(AppConfig):
    """信访: petitions on the 信访工作条例's chain, 接访 and 包案 (recipe: docs/new-app.md)."""

    name = "finegrid.petitions"
    label = "petitions"
    verbose_name = _("Petitions")
    audit_words = (("petitions.identity_read", _("Petitioner's identity read")),
                   ("petitions.link_confirmed", _("Petition link confirmed")),
                   ("petitions.link_rejected", _("Petition link rejected")))
    default_auto_field = "django.db.models.BigAutoField"
    worker_steps = (("petitions-index", 60, "finegrid.petitions.linking.index_new_cases"),)
    reports = (("petitions", "finegrid.petitions.report.write"),)
    api_routes = ("finegrid.petitions.api",)  # /api/v1/petitions… beside the cases (cases.api.urls)
    overview_panels = (("petitions", _("Petitions (信访)"), "finegrid.petitions.figures.overview",
                        "petitions/_overview.html"),)
    nav_links = (
        (_("Petition desk"), "petitions:desk", PETITION_DESK),
        (_("Petition inbox"), "petitions:inbox", {"handler"}),
        (_("12345 cases to petitions"), "petitions:from_hotline", PETITION_DESK | {"operator"}),
        (_("Leader cases (包案)"), "petitions:leader_cases", {"leader"}),
        (_("Petition limits"), "petitions:rules", PETITION_DESK),
    )

    def ready(self):
        from . import engine  # noqa: F401 — registers the machines, the watches and the cohort
