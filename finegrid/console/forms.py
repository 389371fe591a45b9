from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from finegrid.core.models import audit
from finegrid.core.throttle import client_address

from . import security


class LockoutMixin:
    """Refuses a locked account before its password is even checked, so guessing goes nowhere."""

    def clean(self):
        username = self.cleaned_data.get("username")
        if username:
            until = security.locked_until(username)
            if until is not None:
                # The security administrator must see a guesser who keeps trying (登录失败处理):
                # the lock refuses the attempt before any password check, so it is logged here.
                address = client_address(self.request) if self.request is not None else ""
                audit("auth.locked_attempt", target=username[:128], ip=address, until=until.isoformat())
                minutes = max(1, int((until - timezone.now()).total_seconds() // 60) + 1)
                raise forms.ValidationError(
                    _("Too many failed sign-ins: this account is locked for %(minutes)d more minutes, "
                      "or until the security administrator unlocks it.") % {"minutes": minutes},
                    code="locked",
                )
        return super().clean()


class LockoutAuthenticationForm(LockoutMixin, AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": gettext_lazy("Wrong user name or password."),
    }


class LockoutAdminAuthenticationForm(LockoutMixin, AdminAuthenticationForm):
    """The admin site's own sign-in page keeps the same lockout."""


class NewPasswordForm(PasswordChangeForm):
    """口令定期更换: the old password, and a new one that passes the policy and is not the old one."""

    def clean(self):
        cleaned = super().clean()
        old, new = cleaned.get("old_password"), cleaned.get("new_password2")
        if old and new and old == new:
            raise forms.ValidationError(_("The new password must differ from the old one."), code="password_reused")
        return cleaned
