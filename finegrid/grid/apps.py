from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GridConfig(AppConfig):
    name = "finegrid.grid"
    verbose_name = _("Grids")
    audit_words = (("grid.import", _("Grid file imported")),)
