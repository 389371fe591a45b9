"""The console's page of the month's hot issues (the same report `finegrid report hot-issues`
writes). District-wide analysis: only people whose leader, supervisor, operator or dispatcher
role covers the whole district see it."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseBadRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from finegrid.org.models import Role
from finegrid.org.scopes import scope_of

from .report import month_report, render_html
from .trends import month_bounds

READERS = frozenset({Role.LEADER, Role.SUPERVISOR, Role.OPERATOR, Role.DISPATCHER})


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
    return HttpResponse(render_html(month_report(month)))
