"""The console's page of the month's hot issues (the same report `finegrid report hot-issues`
writes). District-wide analysis: only people whose leader, supervisor, operator or dispatcher
role covers the whole district see it."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import caches
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from finegrid.org.models import Role
from finegrid.org.scopes import scope_of

from .report import month_report, render_body
from .trends import month_bounds

READERS = frozenset({Role.LEADER, Role.SUPERVISOR, Role.OPERATOR, Role.DISPATCHER})
# The report reads every labelled appeal of half a year (2 s at 20,000 cases, 75 s at 286,000):
# `finegrid refresh-overview` renders it beside the server every 10 minutes, in each language,
# into the shared cache (every worker reads the same page); a page older than that is redone here.
PAGE_SECONDS = 30 * 60


@require_GET
@login_required
def hot_issues(request):
    if not scope_of(request.user, READERS).whole_district:
        raise PermissionDenied
    month = request.GET.get("month") or f"{timezone.localdate():%Y-%m}"
    try:
        month_bounds(month)
    except ValueError:
        return HttpResponseBadRequest(_("A month is written like 2026-10."))
    return render(request, "insight/hot_issues_page.html", {"month": month, "body": mark_safe(cached_page(month))})


def _key(month: str) -> str:
    return f"insight:hot-issues-body:{month}:{translation.get_language()}"  # the page's content, not a document


def cached_page(month: str) -> str:
    """The month's report (its content: console/hot_issues_page.html puts it in the console's frame)
    in the active language, from the shared cache when it is there."""
    page = caches["shared"].get(_key(month))
    return page if page is not None else store_page(month_report(month))


def store_page(report) -> str:
    """Render the report in the active language and keep it for the next readers."""
    page = render_body(report)
    caches["shared"].set(_key(report.month), page, timeout=PAGE_SECONDS)
    return page


def store_every_language(report) -> None:
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            store_page(report)
