from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SensingConfig(AppConfig):
    name = "finegrid.sensing"
    verbose_name = _("Risk sensing")
