from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from finegrid.core.models import ApiToken, audit
from finegrid.intake.keys import OPEN311, forget, issue_key


class Command(BaseCommand):
    help = "Open311 api_keys: create NAME (prints the key as its last line, once), list, revoke ID."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("create").add_argument("name")
        sub.add_parser("list")
        sub.add_parser("revoke").add_argument("id", type=int)

    def handle(self, *args, action, **options):
        getattr(self, f"_{action}")(**options)

    def _create(self, name, **_):
        name = name.strip()
        if not name or len(name) > 64:
            raise CommandError("a key's name is 1 to 64 characters")
        record, key = issue_key(name)
        audit("open311_key.create", target=str(record.pk), name=name)
        self.stdout.write(f"Open311 key {record.pk} for {name}; it is shown only now:")
        self.stdout.write(key)

    def _list(self, **_):
        for record in ApiToken.objects.filter(purpose=OPEN311).order_by("pk"):
            state = f"revoked {record.revoked_at:%Y-%m-%d}" if record.revoked_at else "active"
            used = f"{record.last_used_at:%Y-%m-%d %H:%M}" if record.last_used_at else "never used"
            self.stdout.write(f"{record.pk:>4}  {record.prefix}…  {record.name}  {state}  {used}")

    def _revoke(self, id, **_):
        changed = (ApiToken.objects.filter(purpose=OPEN311, pk=id, revoked_at__isnull=True)
                   .update(revoked_at=timezone.now()))
        if not changed:
            raise CommandError(f"no active Open311 key has the id {id}")
        forget()  # this process stops accepting it now; a server's workers within keys.REMEMBER seconds
        audit("open311_key.revoke", target=str(id))
        self.stdout.write(f"Open311 key {id} revoked")
