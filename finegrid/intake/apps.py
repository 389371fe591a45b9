from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "finegrid.intake"
    verbose_name = _("Intake")
    audit_words = (("hotline.import", _("Hotline sheet imported")), ("open311_key.create", _("Open311 key issued")),
                   ("open311_key.revoke", _("Open311 key revoked")),
                   ("questions.load", _("Category questions loaded")))
    # `finegrid worker` opens queued Open311 reports every 2 s: an app's report is a case within
    # seconds, while a burst still reaches the case engine in batches.
    worker_steps = (("inbox", 2, "finegrid.intake.inbox.drain"),)
    # A server process builds its grid index and reads the Open311 catalogue before its first
    # request: built on a first POST instead, it was that POST's 400 ms (the bench's p99 outlier).
    warm_ups = ("finegrid.intake.inbox.warm_up",)
    api_routes = ("finegrid.intake.api",)  # POST /api/v1/cases joins the cases API (cases.api.urls)

    def ready(self):
        from finegrid.cases.models import Category, CategoryRule

        from .models import Question

        # An administrator's edit reaches this process's cached Open311 catalogue at once (the
        # server's other workers within inbox.FRESH_FOR seconds).
        for model in (Category, CategoryRule, Question):
            post_save.connect(_forget_catalogue, sender=model, weak=False, dispatch_uid=f"open311-{model.__name__}")
            post_delete.connect(_forget_catalogue, sender=model, weak=False, dispatch_uid=f"open311-del-{model.__name__}")


def _forget_catalogue(**_):
    # Imported on the first edit: at set-up the catalogue (the inbox, the intake checks, the
    # timeline behind it) cost every command, `finegrid analyze` included, a twentieth of a second.
    from .open311.catalogue import forget

    forget()
