from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsoleConfig(AppConfig):
    name = "finegrid.console"
    verbose_name = _("Command-centre console")

    def ready(self):
        from django.contrib import admin

        from . import audit_signals  # noqa: F401  (connects the login and admin audit receivers)
        from .forms import LockoutAdminAuthenticationForm

        admin.site.login_form = LockoutAdminAuthenticationForm  # /admin/login/ locks out too
