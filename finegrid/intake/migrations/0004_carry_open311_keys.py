"""Every Open311 key becomes a core.ApiToken of purpose "open311" with its hash, prefix, dates and
revocation, so the apps' keys keep working; receipts, updates and queued reports follow their key."""

from django.db import migrations

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


class Migration(migrations.Migration):

    dependencies = [
        ("intake", "0003_open311_keys_into_api_tokens"),
    ]

    operations = [
        migrations.RunPython(carry_over, carry_back),
    ]
