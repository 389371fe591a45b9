from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsoleConfig(AppConfig):
    name = "finegrid.console"
    verbose_name = _("Command-centre console")

    def ready(self):
        from . import audit_signals  # noqa: F401  (connects the login and admin audit receivers)
