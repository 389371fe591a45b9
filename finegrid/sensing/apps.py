from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SensingConfig(AppConfig):
    name = "finegrid.sensing"
    verbose_name = _("Risk sensing")
    audit_words = (("sensing.alarm.ack", _("Sensor alarm acknowledged")), ("sensing.device_token", _("Device token issued")))
    # `finegrid worker` runs the tick (offline devices, unacknowledged alarms) every 10 s, so it runs
    # even where devices report over HTTP and no MQTT consumer is up; the tick is safe to run twice.
    worker_steps = (("sensing", 10, "finegrid.sensing.tick.tick"),)
