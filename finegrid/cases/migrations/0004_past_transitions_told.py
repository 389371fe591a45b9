"""The transitions written before the notice step existed were told when they happened (their
notices were written inline): mark them, so the step does not tell them again. In a migration of
its own: PostgreSQL refuses to alter a table with row events pending in the same transaction."""

from django.db import migrations


def mark_told(apps, schema_editor):
    apps.get_model("cases", "Transition").objects.filter(notified=False).update(notified=True)


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_notices_from_transitions")]

    operations = [migrations.RunPython(mark_told, migrations.RunPython.noop)]
