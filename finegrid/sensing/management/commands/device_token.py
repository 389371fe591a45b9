"""`finegrid device-token DEVICE`: a new HTTP ingest token for a device, printed once (only its
hash is kept); the device's previous token stops working."""

import secrets

from django.core.management.base import BaseCommand, CommandError

from finegrid.core.models import audit
from finegrid.sensing.models import Device
from finegrid.sensing.views import token_hash


class Command(BaseCommand):
    help = "Create a device's HTTP ingest token (POST /sensing/ingest with Authorization: Bearer TOKEN)."

    def add_arguments(self, parser):
        parser.add_argument("device", help="the device's code")

    def handle(self, *args, device, **options):
        found = Device.objects.filter(code=device).first()
        if found is None:
            raise CommandError(f"no device has the code {device!r}")
        token = "fgd_" + secrets.token_urlsafe(32)
        found.token_hash = token_hash(token)
        found.save(update_fields=["token_hash"])
        audit("sensing.device_token", device)
        self.stderr.write(f"Token for {device}. Keep it now: it is not shown again.")
        self.stdout.write(token)
