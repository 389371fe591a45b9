from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "finegrid.core"
    verbose_name = _("Platform")
    # Before its first request a server process reads the URLconf (the apps' API routes join there).
    warm_ups = ("finegrid.core.warm.read_urlconf",)
    # What `audit()` entries of this app are called in the auditor's log (see core/declared.py).
    audit_words = (("api_token.create", _("API token issued")), ("api_token.revoke", _("API token revoked")))
