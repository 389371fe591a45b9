"""Sign-in as GB/T 22239-2019 (等保 2.0) level 3 asks of it: passwords of three kinds of
character, changed periodically (口令定期更换), a lockout after repeated failures (登录失败处理),
and a session that ends when idle (登录连接超时自动退出)."""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import LoginAttempt, PasswordChange

MAX_FAILURES = 5  # failed sign-ins in a row …
LOCK_WINDOW = timedelta(minutes=30)  # … within this time lock the account for this time
IDLE_TIMEOUT = timedelta(minutes=30)  # a session unused this long is signed out
CHARACTER_CLASSES = {
    "lower": str.islower, "upper": str.isupper, "digit": str.isdigit,
    "symbol": lambda ch: not ch.isalnum() and not ch.isspace(),
}


class CharacterClassValidator:
    """At least three of: lower-case letters, capitals, digits, symbols (口令复杂度)."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        used = sum(any(test(ch) for ch in password) for test in CHARACTER_CLASSES.values())
        if used < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        return _("Your password must mix at least %(n)d of: lower-case letters, capitals, digits and symbols.") % {
            "n": self.min_classes}

    def password_changed(self, password, user=None):
        """Django calls this after any new password is saved: the clock of 口令定期更换 restarts."""
        if user is not None and user.pk:
            PasswordChange.objects.update_or_create(user_id=user.pk, defaults={"at": timezone.now()})


def password_max_age() -> timedelta | None:
    days = settings.FINEGRID_PASSWORD_MAX_AGE_DAYS
    return timedelta(days=days) if days else None


def password_expires_at(user) -> datetime | None:
    """When the user's password must be changed (None when passwords do not expire)."""
    max_age = password_max_age()
    if max_age is None:
        return None
    changed = PasswordChange.objects.filter(user_id=user.pk).values_list("at", flat=True).first()
    return (changed or user.date_joined) + max_age


def failures_since_reset(username: str, now: datetime) -> list[datetime]:
    """The failures inside the window that came after the last success or unlock, newest first."""
    rows = LoginAttempt.objects.filter(username=username, at__gte=now - LOCK_WINDOW).order_by("-at")
    failures = []
    for kind, at in rows.values_list("kind", "at")[:MAX_FAILURES + 1]:
        if kind != LoginAttempt.Kind.FAILURE:
            break
        failures.append(at)
    return failures


def locked_until(username: str, now: datetime | None = None) -> datetime | None:
    """When the account opens again, or None when it is not locked."""
    now = now or timezone.now()
    failures = failures_since_reset(username, now)
    if len(failures) < MAX_FAILURES:
        return None
    return failures[0] + LOCK_WINDOW


def record(username: str, kind: str, ip: str | None = None, now: datetime | None = None) -> LoginAttempt:
    return LoginAttempt.objects.create(username=username[:150], kind=kind, ip=ip, at=now or timezone.now())


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None
