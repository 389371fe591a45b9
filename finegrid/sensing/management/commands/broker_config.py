"""`finegrid broker-config --out DIR`: the Mosquitto configuration finegrid needs (broker.py) —
mosquitto.conf, the password file and the ACL — for the registered devices. A device logs in with
its code and the token `finegrid device-token` gave it; one without a token is listed and left
out (it cannot connect). Run `mosquitto -c DIR/mosquitto.conf`; after a change, run this again
and send the broker SIGHUP."""

import os
import secrets
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from finegrid.sensing import broker
from finegrid.sensing.models import Device


class Command(BaseCommand):
    help = "Write Mosquitto's configuration for finegrid: persistence, the ingest's queue, device passwords and ACL."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="the folder to write mosquitto.conf, passwd and acl into")
        parser.add_argument("--port", type=int, default=1883)
        parser.add_argument("--bind", default="", help="the address to listen on (default: every address)")
        parser.add_argument("--user", default="", help="whom a broker started as root runs as (default mosquitto); "
                                                       "it must read passwd (mode 0600) and write DIR/data")
        parser.add_argument("--queue", type=int, default=broker.QUEUE, help="messages kept per disconnected client")
        parser.add_argument("--ingest-password", default="",
                            help="the ingest's broker password (default: FINEGRID_MQTT_URL's, else a new one)")

    def handle(self, *args, out, port, bind, user, queue, ingest_password, **options):
        if queue < 1:
            raise CommandError("--queue must be at least 1 (0 would be Mosquitto's 'no limit')")
        folder = Path(out).resolve()
        (folder / "data").mkdir(parents=True, exist_ok=True)
        password = ingest_password or unquote(urlsplit(settings.FINEGRID_MQTT_URL or "").password or "")
        generated = not password
        password = password or secrets.token_urlsafe(24)
        accounts, missing = [broker.ingest_account(password)], []
        for device in Device.objects.filter(active=True, site__active=True).select_related("site").order_by("code"):
            if device.broker_hash:
                accounts.append(broker.device_account(device.site.code, device.code, device.broker_hash))
            else:
                missing.append(device.code)
        _write(folder / "passwd", broker.passwords(accounts), private=True)
        _write(folder / "acl", broker.acl(accounts))
        _write(folder / "mosquitto.conf", broker.config(folder, port, bind, queue, user))
        self.stderr.write(f"wrote {folder}/mosquitto.conf, passwd and acl: {len(accounts) - 1} devices")
        if missing:
            self.stderr.write(f"{len(missing)} devices have no token and cannot connect (finegrid device-token CODE): "
                              + " ".join(missing[:20]) + (" …" if len(missing) > 20 else ""))
        if generated:
            self.stderr.write("a new ingest password: set FINEGRID_MQTT_URL to")
            self.stdout.write(f"mqtt://{broker.INGEST_USER}:{quote(password, safe='')}@{bind or '127.0.0.1'}:{port}")


def _write(path: Path, text: str, private: bool = False) -> None:
    """Written beside and renamed: a broker reloading on SIGHUP never reads half a file."""
    part = path.with_name(path.name + ".part")
    part.write_text(text, encoding="utf-8")
    os.chmod(part, 0o600 if private else 0o644)
    part.replace(path)
