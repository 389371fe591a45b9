"""The roles, apart from the models: an app's AppConfig (its nav_links, its desks) names them
while the apps load, before any model module may be imported. `finegrid.org.models.Role` is this."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    GRID_WORKER = "grid_worker", _("Grid worker")
    OPERATOR = "operator", _("Operator")
    DISPATCHER = "dispatcher", _("Dispatcher")
    HANDLER = "handler", _("Unit handler")
    SUPERVISOR = "supervisor", _("Supervisor")
    LEADER = "leader", _("Leader")
    ADMIN = "admin", _("Administrator")
    SECURITY_ADMIN = "security_admin", _("Security administrator")
    AUDITOR = "auditor", _("Auditor")
    # The offices of the second half: key tasks (大督查), petitions (信访), cadres (组织部), and the
    # hotline's call-back desk (回访), the one business role that reads a reporter's phone whole.
    SUPERVISION_OFFICE = "supervision", _("Supervision office")
    PETITION_OFFICE = "petition_office", _("Petition office")
    ORGANISATION = "organisation", _("Organisation department")
    CALLBACK = "callback", _("Call-back desk")
