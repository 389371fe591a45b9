from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "finegrid.core"
    verbose_name = _("Platform")
    # What `audit()` entries of this app are called in the auditor's log (see core/declared.py).
    audit_words = (("api_token.create", _("API token issued")), ("api_token.revoke", _("API token revoked")))
