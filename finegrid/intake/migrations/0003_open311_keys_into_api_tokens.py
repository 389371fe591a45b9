"""Open311 keys become core.ApiToken rows of purpose "open311" (one model and one command family
for every client secret), in three steps: the new key columns (here), the keys carried over
(0004), the old columns and model removed (0005). Three migrations, not one, because PostgreSQL
refuses to alter a table in the transaction whose data changes still have checks pending."""

import django.db.models.deletion
from django.db import migrations, models

USERS = ("receipt", "update", "queued")


def _token_field(null=True):
    return models.ForeignKey(null=null, blank=null, on_delete=django.db.models.deletion.PROTECT, related_name="+",
                             to="core.apitoken")


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0003_apitoken_purpose"),
        ("intake", "0002_queued_reports"),
    ]

    operations = [
        *[migrations.AddField(model_name=name, name="api_token", field=_token_field()) for name in USERS],
        # Nullable first, so that undoing 0005 can bring the old column back to rows that have none yet.
        migrations.AlterField(model_name="update", name="api_key", field=models.ForeignKey(
            null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="intake.open311key")),
    ]
