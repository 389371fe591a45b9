"""The console's own records: sign-in attempts, which the lockout rule (等保 2.0 登录失败处理) reads."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LoginAttempt(models.Model):
    """One sign-in attempt, or a security administrator's unlock, for one user name."""

    class Kind(models.TextChoices):
        FAILURE = "failure", _("Failed sign-in")
        SUCCESS = "success", _("Signed in")
        UNLOCK = "unlock", _("Unlocked by the security administrator")

    username = models.CharField(_("user name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    at = models.DateTimeField(_("time"))
    ip = models.GenericIPAddressField(_("address"), null=True, blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["username", "at"])]
        verbose_name = _("sign-in attempt")
        verbose_name_plural = _("sign-in attempts")

    def __str__(self):
        return f"{self.username} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class PanelSnapshot(models.Model):
    """The figures of one slow panel of the leader's overview (the 30-day trend, a ranking, the hot
    topics) for one key (an area, a month), computed after a response has been sent or by
    `finegrid refresh-overview`, so that showing the panel reads one row (console/panels.py)."""

    name = models.CharField(max_length=32)
    key = models.CharField(max_length=255)
    data = models.JSONField(default=dict, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    # Claimed by the one process recomputing it, so a busy page does not start the work twice.
    refreshing_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "key"], name="unique_panel_snapshot")]
        verbose_name = _("overview panel snapshot")
        verbose_name_plural = _("overview panel snapshots")

    def __str__(self):
        return f"{self.name} {self.key}"


class PasswordChange(models.Model):
    """When a user last set a password (口令定期更换): written by the password validators' own
    `password_changed` hook, so every way of setting one (the change page, the admin, the CLI)
    counts. A user without a row counts from the day the account was created."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    at = models.DateTimeField(_("password set at"))

    class Meta:
        verbose_name = _("password change")
        verbose_name_plural = _("password changes")

    def __str__(self):
        return f"{self.user_id} {self.at:%Y-%m-%d}"
