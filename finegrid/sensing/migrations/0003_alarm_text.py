"""An alarm's text becomes a code and parameters rendered in the reader's language (texts.py);
the English sentence stays as `summary`. Offline and lost-message alarms written before get their
code from their sentence, so they too read in Chinese."""

import re

from django.db import migrations, models

OFFLINE = re.compile(r"offline: no reading for (\d+) s \(expected every (\d+) s\)$")
LOST = re.compile(r"lost (\d+) messages? (?:in (\d+) gaps \(last: |\()numbers? (\d+)(?:–(\d+))?\)$")


def codes_from_sentences(apps, schema_editor):
    Alarm = apps.get_model("sensing", "Alarm")
    for alarm in Alarm.objects.filter(rule__in=["offline", "lost"]).only("rule", "summary").iterator():
        if alarm.rule == "offline" and (m := OFFLINE.match(alarm.summary)):
            alarm.text_code, alarm.text_params = "offline", {"silent": int(m[1]), "interval": int(m[2])}
        elif alarm.rule == "lost" and (m := LOST.match(alarm.summary)):
            first = int(m[3])
            alarm.text_code = "lost"
            alarm.text_params = {"lost": int(m[1]), "gaps": int(m[2] or 1), "first": first, "last": int(m[4] or first)}
        else:
            continue
        alarm.save(update_fields=["text_code", "text_params"])


class Migration(migrations.Migration):
    dependencies = [("sensing", "0002_device_sequence")]

    operations = [
        migrations.RenameField("alarm", "message", "summary"),
        migrations.AddField("alarm", "text_code", models.CharField(blank=True, max_length=16)),
        migrations.AddField("alarm", "text_params", models.JSONField(blank=True, default=dict)),
        migrations.RunPython(codes_from_sentences, migrations.RunPython.noop),
    ]
