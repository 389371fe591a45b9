from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "finegrid.insight"
    verbose_name = _("Appeal insight")
    audit_words = (("insight.train", _("Insight model trained")), ("insight.rollback", _("Insight model rolled back")),
                   ("insight.correct", _("Insight label corrected")))
    # `finegrid worker` labels new cases every minute and retrains at night after corrections.
    worker_steps = (("insight", 60, "finegrid.insight.schedule.step"),)
    # `finegrid report hot-issues --month 2026-10`: the month's 每月一题 candidates and emerging terms.
    reports = (("hot-issues", "finegrid.insight.management.report_command.hot_issues"),)
