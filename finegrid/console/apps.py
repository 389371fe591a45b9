from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsoleConfig(AppConfig):
    name = "finegrid.console"
    verbose_name = _("Command-centre console")
    audit_words = (("login", _("Signed in")), ("logout", _("Signed out")), ("login_failed", _("Failed sign-in")),
                   ("password_change", _("Password changed")), ("unlock", _("Account unlocked")),
                   ("auth.locked_attempt", _("Sign-in to a locked account")),
                   ("admin_import", _("Spreadsheet imported")), ("admin_add", _("Added in the admin site")),
                   ("admin_change", _("Changed in the admin site")), ("admin_delete", _("Deleted in the admin site")),
                   ("case.relocate", _("Case location corrected")))

    def ready(self):
        from django.contrib import admin

        from . import audit_signals  # noqa: F401  (connects the login and admin audit receivers)
        from .forms import LockoutAdminAuthenticationForm

        admin.site.login_form = LockoutAdminAuthenticationForm  # /admin/login/ locks out too
