from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The roles that see the menu link (org.models.Role's values: the models are not loaded yet here).
SENSING_DESK_ROLES = frozenset({"dispatcher", "operator", "leader", "supervisor"})


class SensingConfig(AppConfig):
    name = "finegrid.sensing"
    verbose_name = _("Risk sensing")
    audit_words = (("sensing.alarm.ack", _("Sensor alarm acknowledged")), ("sensing.device_token", _("Device token issued")))
    # `finegrid worker` runs the tick (offline devices, unacknowledged alarms) every 10 s, so it runs
    # even where devices report over HTTP and no MQTT consumer is up; the tick is safe to run twice.
    worker_steps = (("sensing", 10, "finegrid.sensing.tick.tick"),)
    # The menu's link to the sites and their alarms, for who answers them: the command centre, the
    # leaders and the streets' supervisors (the page shows each the sites of their own area).
    nav_links = ((_("Monitored sites"), "sensing:sites", SENSING_DESK_ROLES),)
