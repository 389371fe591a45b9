from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from finegrid.core.declared import declared, nav_link_shown
from finegrid.org.models import Role

from finegrid.cases.visibility import CASE_ROLES, Viewer
from finegrid.org.scopes import BUSINESS_ROLES

from ..access import COMMAND_ROLES, OVERVIEW_ROLES
from ..audit_signals import NAV_ROLES

register = template.Library()

# (label, url name, roles that see the link; None = every staff member)
LINKS = [
    (_("My desk"), "console:home", None),
    (_("Command centre"), "console:command", COMMAND_ROLES),
    (_("Queue"), "console:queue", COMMAND_ROLES),
    (_("Cases"), "console:cases", CASE_ROLES),  # not the three administrators' (三员分立)
    (_("Overview"), "console:overview", OVERVIEW_ROLES),
    (_("Unit desk"), "console:unit_desk", {Role.HANDLER}),
    (_("My grid"), "console:worker", {Role.GRID_WORKER}),
    (_("Grid map"), "home", BUSINESS_ROLES),
    (_("Security"), "console:security", {Role.SECURITY_ADMIN}),
    (_("Audit log"), "console:audit", {Role.AUDITOR}),
    (_("Administration"), "admin:index", {Role.ADMIN}),
    (_("Password"), "console:password", None),
]


@register.inclusion_tag("console/_nav.html", takes_context=True)
def console_nav(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"links": []}
    desk = getattr(request, "desk", None)
    if desk is not None:
        roles = desk.roles
    else:  # pages of other apps: the roles read at sign-in (the menu only; every page checks its own)
        stored = request.session.get(NAV_ROLES)
        roles = frozenset(stored) if stored is not None else Viewer.of(user).roles
    path = request.path
    links = []
    # An app's desks (its AppConfig's `nav_links`) come before the password link, which closes the menu.
    for entry in LINKS[:-1] + declared("nav_links") + LINKS[-1:]:
        if nav_link_shown(entry, roles, user):
            label, name = entry[0], entry[1]
            url = reverse(name)
            links.append({"label": label, "url": url, "current": path == url})
    return {"links": links}


@register.filter
def when(moment) -> str:
    """A time as briefly as it is still unambiguous: 14:05 today, 11-28 14:05 this year,
    2025-11-28 before — the feed showed only HH:MM for cases days old."""
    if not moment:
        return ""
    local, today = timezone.localtime(moment), timezone.localdate()
    if local.date() == today:
        return local.strftime("%H:%M")
    return local.strftime("%m-%d %H:%M" if local.year == today.year else "%Y-%m-%d")


@register.filter
def countdown_class(deadline) -> str:
    return f"due-{deadline['colour']}" if deadline else ""
