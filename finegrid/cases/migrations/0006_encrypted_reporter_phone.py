"""An anonymous reporter's phone moves into an encrypted column (cases/phones.py); the plain
column keeps only its masked form."""

from django.db import migrations, models


def seal_anonymous_phones(apps, schema_editor):
    from finegrid.cases.phones import stored

    Case = apps.get_model("cases", "Case")
    cases = Case.objects.filter(anonymous=True, reporter_phone_sealed="").exclude(reporter_phone="")
    for case in cases.only("pk", "reporter_phone").iterator(chunk_size=2000):
        phone, sealed = stored(case.reporter_phone, True)
        Case.objects.filter(pk=case.pk).update(reporter_phone=phone, reporter_phone_sealed=sealed)


class Migration(migrations.Migration):
    dependencies = [("cases", "0005_channels_from_the_apps")]

    operations = [
        migrations.AddField(
            model_name="case", name="reporter_phone_sealed",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(seal_anonymous_phones, migrations.RunPython.noop, elidable=True),
    ]
