"""三员分立: the security administrator's page (accounts, locks, roles) and the auditor's audit
log. Each is open to its own role only — not even the system administrator reads the audit log."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from finegrid.core.models import audit
from finegrid.org.models import Role, RoleAssignment

from .. import audit_log as log
from finegrid.core import exports

from .. import security
from ..access import desk_required
from ..models import LoginAttempt

AUDIT_PAGE = 100


@desk_required({Role.AUDITOR})
def audit_log(request):
    fmt = request.GET.get("export")
    if fmt in exports.FORMATS:
        header = [_("Time"), _("Actor"), _("Action"), _("Action code"), _("Target"), _("Detail")]
        lines = ([e.at, e.actor_label, e.label or e.action, e.action, e.target, e.detail_words]
                 for e in log.lines(request.GET))
        return exports.respond(fmt, "audit", header, lines)
    try:
        page = max(1, int(request.GET.get("page", 1)))
    except ValueError:
        page = 1
    rows = log.page(request.GET, page, AUDIT_PAGE)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "console/audit.html", {
        "rows": rows[:AUDIT_PAGE], "more": len(rows) > AUDIT_PAGE, "page": page, "query": query.urlencode(),
        "actions": log.actions(),
    })


@desk_required({Role.SECURITY_ADMIN})
def security_desk(request):
    now = timezone.now()
    fmt = request.GET.get("export")
    if request.GET.get("list") == "attempts" and fmt in exports.FORMATS:
        rows = LoginAttempt.objects.order_by("-at").iterator(chunk_size=2000)
        return exports.respond(fmt, "sign-in-attempts", [_("Time"), _("User name"), _("Kind"), _("Address")],
                               ([a.at, a.username, a.get_kind_display(), a.ip] for a in rows))
    recent = (LoginAttempt.objects.filter(kind=LoginAttempt.Kind.FAILURE, at__gte=now - security.LOCK_WINDOW)
              .values_list("username", flat=True).distinct())
    locked = [(name, until) for name in sorted(set(recent)) if (until := security.locked_until(name, now))]
    staff = (get_user_model().objects.filter(roles__role__in=[Role.ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR])
             .distinct().order_by("username"))
    return render(request, "console/security.html", {
        "locked": locked, "attempts": LoginAttempt.objects.order_by("-at")[:30],
        "privileged": RoleAssignment.objects.filter(user__in=staff).select_related("user", "unit").order_by("user__username"),
        "policy": {"failures": security.MAX_FAILURES, "window": int(security.LOCK_WINDOW.total_seconds() // 60),
                   "idle": int(security.IDLE_TIMEOUT.total_seconds() // 60)},
    })


@require_POST
@desk_required({Role.SECURITY_ADMIN})
def unlock(request):
    username = request.POST.get("username", "")[:150]
    if username:
        security.record(username, LoginAttempt.Kind.UNLOCK, security.client_ip(request))
        audit("unlock", target=username, actor=request.user)
        messages.success(request, _("%(user)s can sign in again.") % {"user": username})
    return redirect("console:security")
