"""`finegrid device-token DEVICE`: a new token for a device, printed once (only its hashes are
kept): its bearer token for the HTTP ingest and its MQTT password (user: the device's code) once
`finegrid broker-config` has written the broker's password file again. The previous token stops
working."""

import secrets

from django.core.management.base import BaseCommand, CommandError

from finegrid.core.models import audit
from finegrid.sensing.broker import password_hash
from finegrid.sensing.models import Device
from finegrid.sensing.views import token_hash


class Command(BaseCommand):
    help = "Create a device's token: HTTP (Authorization: Bearer TOKEN) and MQTT password (run broker-config after)."

    def add_arguments(self, parser):
        parser.add_argument("device", help="the device's code")

    def handle(self, *args, device, **options):
        found = Device.objects.filter(code=device).first()
        if found is None:
            raise CommandError(f"no device has the code {device!r}")
        token = "fgd_" + secrets.token_urlsafe(32)
        found.token_hash, found.broker_hash = token_hash(token), password_hash(token)
        found.save(update_fields=["token_hash", "broker_hash"])
        audit("sensing.device_token", device)
        self.stderr.write(f"Token for {device}. Keep it now: it is not shown again.")
        self.stdout.write(token)
