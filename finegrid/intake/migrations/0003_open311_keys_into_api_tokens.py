"""Open311 keys become core.ApiToken rows of purpose "open311" (one model and one command family
for every client secret). Each key keeps its hash, prefix, dates and revocation, so the apps'
keys keep working; receipts, updates and queued reports follow their key."""

import django.db.models.deletion
from django.db import migrations, models

USERS = ("receipt", "update", "queued")


def carry_over(apps, schema_editor):
    Open311Key = apps.get_model("intake", "Open311Key")
    ApiToken = apps.get_model("core", "ApiToken")
    for key in Open311Key.objects.order_by("pk"):
        token = ApiToken.objects.create(purpose="open311", user=None, name=key.name, key_hash=key.key_hash,
                                        prefix=key.prefix, last_used_at=key.last_used_at, revoked_at=key.revoked_at)
        ApiToken.objects.filter(pk=token.pk).update(created_at=key.created_at)  # auto_now_add set it to now
        for name in USERS:
            apps.get_model("intake", name).objects.filter(api_key_id=key.pk).update(api_token=token)


def carry_back(apps, schema_editor):
    Open311Key = apps.get_model("intake", "Open311Key")
    ApiToken = apps.get_model("core", "ApiToken")
    for token in ApiToken.objects.filter(purpose="open311").order_by("pk"):
        key = Open311Key.objects.create(name=token.name, key_hash=token.key_hash, prefix=token.prefix,
                                        last_used_at=token.last_used_at, revoked_at=token.revoked_at)
        Open311Key.objects.filter(pk=key.pk).update(created_at=token.created_at)
        for name in USERS:
            apps.get_model("intake", name).objects.filter(api_token_id=token.pk).update(api_key=key, api_token=None)
        token.delete()


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
        # Reversing needs the old key column back first: the field removals undo before carry_back.
        migrations.AlterField(model_name="update", name="api_key", field=models.ForeignKey(
            null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="intake.open311key")),
        migrations.RunPython(carry_over, carry_back),
        # The updates' replay constraint names the key column: dropped while the column is swapped.
        migrations.RemoveConstraint(model_name="update", name="unique_open311_update"),
        *[migrations.RemoveField(model_name=name, name="api_key") for name in USERS],
        *[migrations.RenameField(model_name=name, old_name="api_token", new_name="api_key") for name in USERS],
        migrations.AlterField(model_name="update", name="api_key", field=_token_field(null=False)),
        migrations.AddConstraint(model_name="update", constraint=models.UniqueConstraint(
            condition=models.Q(("external_id", ""), _negated=True), fields=("api_key", "external_id"),
            name="unique_open311_update")),
        migrations.DeleteModel(name="Open311Key"),
    ]
