from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    name = "finegrid.demo"
    verbose_name = _("Demo district")
    audit_words = (("demo.seed", _("Demo district built")),)
