"""The chain's limits as the office sees them (信访期限规则): every version — who set which limits,
from when, on what text — newest first, the shipped default last. The petition office writes the
next version; nothing is edited in place (a petition keeps the version it was registered under).
The leaders read it."""

from datetime import date

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from finegrid.org.models import Role

from . import rules
from .views import needs

LABELS = {"transfer": gettext_lazy("转送/交办 (days)"), "accept": gettext_lazy("受理 decision (days)"),
          "handle": gettext_lazy("办理 (days)"), "extend": gettext_lazy("extension at most (days)"),
          "review_window": gettext_lazy("复查 may be asked within (days)"), "review": gettext_lazy("复查 (days)"),
          "recheck_window": gettext_lazy("复核 may be asked within (days)"), "recheck": gettext_lazy("复核 (days)")}


@needs(Role.PETITION_OFFICE, Role.LEADER)
@require_http_methods(["GET", "POST"])
def limit_rules(request):
    problem, given = "", {}
    if request.method == "POST" and Role.PETITION_OFFICE in request.roles:
        given = request.POST
        problem = _revise(request)
        if not problem:
            return redirect("petitions:rules")
    shown = rules.versions()
    current = rules.rule_in_force(timezone.localdate())
    context = {"versions": shown, "limits": [(name, LABELS[name]) for name in rules.LIMITS], "current": current,
               "may_revise": Role.PETITION_OFFICE in request.roles, "problem": problem, "given": given}
    return render(request, "petitions/rules.html", context, status=400 if problem else 200)


def _revise(request) -> str:
    post = request.POST
    try:
        days = {name: int(post.get(name, "")) for name in rules.LIMITS}
    except ValueError:
        return _("Every limit is a whole number of days.")
    try:
        valid_from = date.fromisoformat(post.get("valid_from", ""))
    except ValueError:
        return _("valid_from: a date (YYYY-MM-DD)")
    source = post.get("source", "").strip()
    if not source:
        return _("source: name the text the limits come from (article and year)")
    try:
        row = rules.revise(days, post.get("roll_over_holidays") == "on", valid_from, source, by=request.user,
                           now=timezone.now())
    except ValueError as error:
        return str(error)
    messages.success(request, _("Version %(version)s of the limits is in force from %(date)s") % {
        "version": row.version, "date": row.valid_from.isoformat()})
    return ""
