"""The audit trail of sign-ins and of every change made through the admin pages (安全审计).
The case engine's own transitions are rows already; these add who signed in, failed, left,
and what an administrator changed."""

import time

from django.contrib.admin.models import LogEntry
from django.contrib.auth.signals import (
    user_logged_in,
    user_logged_out,
    user_login_failed,
)
from django.db.models.signals import post_save
from django.dispatch import receiver

from finegrid.core.models import AuditEntry, audit

from . import middleware, security
from .models import LoginAttempt

NAV_ROLES = "finegrid_nav_roles"  # session key: the roles the menu is drawn for


@receiver(user_logged_in)
def signed_in(sender, request, user, **kwargs):
    from finegrid.cases.visibility import Viewer

    if request is not None and hasattr(request, "session"):
        # Read once per sign-in, not once per page: the menu's roles and the idle clock's start.
        request.session[NAV_ROLES] = sorted(Viewer.of(user).roles)
        request.session[middleware.KEY] = time.time()
        expires = security.password_expires_at(user)
        request.session[middleware.PASSWORD_KEY] = expires.timestamp() if expires else None
    ip = security.client_ip(request)
    security.record(user.get_username(), LoginAttempt.Kind.SUCCESS, ip)
    audit("login", target=user.get_username(), actor=user, ip=ip)


@receiver(user_login_failed)
def sign_in_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))
    ip = security.client_ip(request)
    security.record(username, LoginAttempt.Kind.FAILURE, ip)
    # Nobody is signed in yet: the label says so rather than audit()'s "cli".
    AuditEntry.objects.create(action="login_failed", target=username[:128], actor_label="-", detail={"ip": ip})


@receiver(user_logged_out)
def signed_out(sender, request, user, **kwargs):
    if user is not None:
        audit("logout", target=user.get_username(), actor=user, ip=security.client_ip(request))


@receiver(post_save, sender=LogEntry)
def admin_change(sender, instance, created, **kwargs):
    if created:
        action = {1: "admin_add", 2: "admin_change", 3: "admin_delete"}.get(instance.action_flag, "admin")
        target = f"{instance.content_type.model if instance.content_type_id else ''}:{instance.object_repr}"
        audit(action, target=target[:128], actor=instance.user, change=instance.get_change_message())
