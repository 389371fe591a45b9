"""口令定期更换: the page where a person changes their password — by choice, or because it is
older than FINEGRID_PASSWORD_MAX_AGE_DAYS, in which case every other page leads here."""

import time

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from finegrid.core.models import audit

from .. import middleware, security
from ..forms import NewPasswordForm


@login_required
def change_password(request):
    form = NewPasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()  # the validators' password_changed hook restarts the clock
        update_session_auth_hash(request, user)
        expires = security.password_expires_at(user)
        request.session[middleware.PASSWORD_KEY] = expires.timestamp() if expires else None
        audit("password_change", target=user.get_username(), actor=user)
        messages.success(request, _("Your password has been changed."))
        return redirect("console:home")
    expires = request.session.get(middleware.PASSWORD_KEY)
    return render(request, "console/password.html", {
        "form": form, "expired": expires is not None and time.time() > expires,
        "days": security.password_max_age().days if security.password_max_age() else None,
    })
