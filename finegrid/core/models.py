"""Platform-wide records: the audit log of who did what (以日志可追溯)."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One action by a person or a command. Written in the same transaction as the change."""

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("actor")
    )
    actor_label = models.CharField(_("actor"), max_length=64)  # kept when the user is gone; "cli" for commands
    action = models.CharField(_("action"), max_length=64, db_index=True)
    target = models.CharField(_("target"), max_length=128, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.target}"


def audit(action: str, target: str = "", actor=None, **detail) -> AuditEntry:
    label = getattr(actor, "username", None) or "cli"
    return AuditEntry.objects.create(action=action, target=target, actor=actor, actor_label=label, detail=detail)


class ApiToken(models.Model):
    """A secret a client sends: a bearer token of the REST API (for a user), or an Open311 api_key
    (for an app; it reports for the public, not as a user). Only a hash is stored; the secret is
    shown once."""

    class Purpose(models.TextChoices):
        API = "api", _("REST API bearer token")
        OPEN311 = "open311", _("Open311 api_key")

    purpose = models.CharField(_("purpose"), max_length=8, choices=Purpose.choices, default=Purpose.API)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, null=True, blank=True, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=64)
    key_hash = models.CharField(max_length=64, unique=True)  # sha256 hex of the token
    prefix = models.CharField(max_length=8)  # the token's first characters, to tell tokens apart
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        constraints = [
            # A bearer token acts as its user: it cannot exist without one.
            models.CheckConstraint(condition=~models.Q(purpose="api") | models.Q(user__isnull=False),
                                   name="api_token_has_a_user"),
        ]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, purpose: str, name: str, user=None) -> tuple["ApiToken", str]:
        """A new secret and its record (holding only the hash); the caller shows the secret once.
        32 random bytes, so a plain sha256 is enough to store it (no salt, no KDF)."""
        secret = SECRET_PREFIX[purpose] + secrets.token_urlsafe(32)
        record = cls.objects.create(purpose=purpose, user=user, name=name, key_hash=secret_hash(secret),
                                    prefix=secret[:8])
        return record, secret

    @classmethod
    def find(cls, purpose: str, secret: str) -> "ApiToken | None":
        """The live record of `secret` for `purpose` (a bearer token is never an Open311 key, nor
        the reverse), its last use noted at most once a minute; None for anything else."""
        if not secret or len(secret) > 200:
            return None
        record = (cls.objects.select_related("user")
                  .filter(purpose=purpose, key_hash=secret_hash(secret), revoked_at__isnull=True).first())
        if record is not None:
            record.touch()
        return record

    def touch(self, now=None) -> None:
        now = now or timezone.now()
        if self.last_used_at is None or now - self.last_used_at >= TOUCH_EVERY:
            self.last_used_at = now
            ApiToken.objects.filter(pk=self.pk).update(last_used_at=now)


SECRET_PREFIX = {ApiToken.Purpose.API: "fg_", ApiToken.Purpose.OPEN311: "o311_"}
TOUCH_EVERY = timedelta(minutes=1)  # last_used_at is written at most this often


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class SharedCacheEntry(models.Model):
    """The table of Django's database cache (`CACHES["shared"]`), made by a migration rather than
    by `createcachetable`, so it exists whichever cache is configured: what every worker process
    must agree on (the rate limits of core/throttle.py) lives here, or in Redis when
    FINEGRID_REDIS_URL is set. Its columns are the ones DatabaseCache reads and writes."""

    cache_key = models.CharField(max_length=255, primary_key=True)
    value = models.TextField()
    expires = models.DateTimeField(db_index=True)

    class Meta:
        db_table = "finegrid_shared_cache"
        verbose_name = _("shared cache entry")
