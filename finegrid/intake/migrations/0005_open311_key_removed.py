"""The last step of 0003–0005: the old key columns go, the new ones take their name, and the
Open311Key model is removed."""

import django.db.models.deletion
from django.db import migrations, models

USERS = ("receipt", "update", "queued")


class Migration(migrations.Migration):

    dependencies = [
        ("intake", "0004_carry_open311_keys"),
    ]

    operations = [
        # The updates' replay constraint names the key column: dropped while the column is swapped.
        migrations.RemoveConstraint(model_name="update", name="unique_open311_update"),
        *[migrations.RemoveField(model_name=name, name="api_key") for name in USERS],
        *[migrations.RenameField(model_name=name, old_name="api_token", new_name="api_key") for name in USERS],
        migrations.AlterField(model_name="update", name="api_key", field=models.ForeignKey(
            on_delete=django.db.models.deletion.PROTECT, related_name="+", to="core.apitoken")),
        migrations.AddConstraint(model_name="update", constraint=models.UniqueConstraint(
            condition=models.Q(("external_id", ""), _negated=True), fields=("api_key", "external_id"),
            name="unique_open311_update")),
        migrations.DeleteModel(name="Open311Key"),
    ]
