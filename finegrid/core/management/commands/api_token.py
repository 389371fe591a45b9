from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from finegrid.core.models import ApiToken, audit


class Command(BaseCommand):
    help = "Create, list or revoke bearer tokens of the REST API (/api/v1/). A token is shown once, when created."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        create = sub.add_parser("create", help="create a token; its last line of output is the token")
        create.add_argument("username")
        create.add_argument("name", help="what the token is for, e.g. the client's name")
        sub.add_parser("list", help="every token: id, user, name, prefix, created, last used, revoked")
        revoke = sub.add_parser("revoke", help="revoke a token by its id")
        revoke.add_argument("id", type=int)

    def handle(self, *args, subcommand, **options):
        getattr(self, f"_{subcommand}")(**options)

    def _create(self, username, name, **options):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"no active user is called {username!r}")
        record, token = ApiToken.issue(ApiToken.Purpose.API, name, user=user)
        audit("api_token.create", target=f"{record.pk} {user.username} {name}")
        self.stderr.write(f"Token {record.pk} for {user.username} ({name}). Keep it now: it is not shown again.")
        self.stdout.write(token)

    def _list(self, **options):
        for t in ApiToken.objects.filter(purpose=ApiToken.Purpose.API).select_related("user").order_by("pk"):
            state = f"revoked {_when(t.revoked_at)}" if t.revoked_at else "active"
            self.stdout.write(f"{t.pk:>4}  {t.user.username:<16} {t.name:<24} {t.prefix}…  "
                              f"created {_when(t.created_at)}  last used {_when(t.last_used_at)}  {state}")

    def _revoke(self, id, **options):
        updated = (ApiToken.objects.filter(purpose=ApiToken.Purpose.API, pk=id, revoked_at__isnull=True)
                   .update(revoked_at=timezone.now()))
        if not updated:
            raise CommandError(f"no active token has the id {id}")
        audit("api_token.revoke", target=str(id))
        self.stdout.write(f"Token {id} revoked.")


def _when(value) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else "-"
