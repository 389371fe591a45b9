"""`finegrid changepassword USER`: Django's command, except that it does not reach an
administrator's account (三员分立: the system administrator, who runs the machine and its CLI,
cannot reach another administrator's password — nor, here, a superuser's). cli.py sends
`changepassword` here; Django's own would win the name (django.contrib.auth comes first)."""

import getpass

from django.contrib.auth import get_user_model
from django.contrib.auth.management.commands import changepassword
from django.core.management.base import CommandError

from finegrid.org.admin import is_administrator


class Command(changepassword.Command):
    def handle(self, *args, **options):
        username = options.get("username") or getpass.getuser()  # Django's default: the shell's user
        user = get_user_model()._default_manager.db_manager(options["database"]).filter(username=username).first()
        if user is not None and is_administrator(user):
            raise CommandError(f"{user.username} is one of the three administrators (三员): their password is not "
                               "changed from the command line; the security administrator resets it")
        return super().handle(*args, **options)
