"""The console's own records: sign-in attempts, which the lockout rule (等保 2.0 登录失败处理) reads."""

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
