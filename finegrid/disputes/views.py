"""The mediation desk (调解工作台) for streets and grid workers, the register with its filters and
its export, a dispute's page with its steps, and the registration form. Every view reads the
user's disputes through `access.visible_disputes`; every step goes through the machine."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from finegrid.cases.machine import TransitionError
from finegrid.cases.posted import take_posted
from finegrid.core import exports
from finegrid.grid.models import Region
from finegrid.org.principal import principal_of

from . import forms
from .access import dispute_scope, parties_for, visible_disputes
from .engine import DISPUTES, OPEN, REGISTRARS
from .models import AgreementFile, Dispute, Field, Risk
from .register import DisputeError, register

D = Dispute.State
DESK_ROWS = 50
LIST_ROWS = 100
FILTERS = ("field", "risk", "state", "street", "project")


def _visible_or_404(request):
    disputes = visible_disputes(request.user)
    if dispute_scope(request.user).is_empty:
        raise Http404  # a stranger does not learn which pages exist
    return disputes


@login_required
def desk(request):
    """What waits for the user: the disputes they mediate, then the open ones of their area,
    the nearest deadline first."""
    disputes = _visible_or_404(request).select_related("unit", "mediator__person")
    running = disputes.filter(state__in=OPEN).order_by("due_at", "pk")
    mine = list(running.filter(mediator=request.user)[:DESK_ROWS])
    others = list(running.exclude(mediator=request.user)[:DESK_ROWS])
    now = timezone.now()
    context = {"mine": mine, "others": others, "now": now,
               "overdue": running.filter(state__in=(D.REGISTERED, D.MEDIATING), due_at__lt=now).count(),
               "may_register": bool(REGISTRARS & _roles(request.user))}
    return render(request, "disputes/desk.html", context)


def _roles(user) -> set:
    return set(principal_of(user).roles)


def _filtered(disputes, query) -> tuple:
    chosen = {name: (query.get(name) or "").strip()[:64] for name in FILTERS}
    if chosen["field"] in Field.values:
        disputes = disputes.filter(field=chosen["field"])
    if chosen["risk"] in Risk.values:
        disputes = disputes.filter(risk=chosen["risk"])
    if chosen["state"] == "open":
        disputes = disputes.filter(state__in=OPEN)
    elif chosen["state"] == "overdue":
        disputes = disputes.filter(state__in=(D.REGISTERED, D.MEDIATING), due_at__lt=timezone.now())
    elif chosen["state"] in D.values:
        disputes = disputes.filter(state=chosen["state"])
    if chosen["street"].isdigit() and len(chosen["street"]) == 9:
        disputes = disputes.filter(area_code__startswith=chosen["street"])
    if chosen["project"]:  # a 保交楼 project's disputes together
        disputes = disputes.filter(project_ref=chosen["project"])
    return disputes, chosen


@login_required
def register_list(request):
    """The register (纠纷台账): every dispute of the user's area, filtered, exported as shown."""
    disputes, chosen = _filtered(_visible_or_404(request), request.GET)
    disputes = disputes.select_related("unit", "mediator__person").order_by("-registered_at", "-pk")
    if request.GET.get("export") == "xlsx":
        return exports.respond("xlsx", "disputes", export_header(), (_export_row(d) for d in disputes.iterator()))
    streets = Region.objects.filter(level__in=(Region.Level.STREET, Region.Level.TOWN)).order_by("code")
    context = {"disputes": disputes[:LIST_ROWS], "count": disputes.count(), "chosen": chosen, "fields": Field.choices,
               "risks": Risk.choices, "states": [("open", _("Open")), ("overdue", _("Past its month")), *D.choices],
               "streets": [s for s in streets if dispute_scope(request.user).covers_code(s.code)],
               "query": request.GET.urlencode(), "now": timezone.now()}
    return render(request, "disputes/list.html", context)


def export_header() -> list[str]:
    return [_("Dispute number"), _("Title"), _("Field"), _("Risk level"), _("Reason for the risk level"), _("State"),
            _("Area code"), _("Mediation committee"), _("Mediator"), _("Registered"), _("Mediation due"),
            _("Referred to"), _("Agreement"), _("Closed")]


def _export_row(d: Dispute) -> list:
    return [d.number, d.title, d.get_field_display(), d.get_risk_display(), d.risk_reason, d.get_state_display(),
            d.area_code, d.unit.name if d.unit else "", d.mediator.username if d.mediator else "", d.registered_at,
            d.due_at, d.get_referral_display(), d.agreement, d.closed_at]


@login_required
def detail(request, pk: int):
    dispute = get_object_or_404(_visible_or_404(request).select_related("unit", "mediator"), pk=pk)
    steps = list(dispute.transitions.order_by("seq"))
    for step in steps:
        step.label = getattr(DISPUTES.actions.get(step.action), "label", step.action)
    context = {
        "dispute": dispute, "parties": parties_for(request.user, dispute), "steps": steps,
        "sessions": [s for s in steps if s.action == "session"], "visits": [s for s in steps if s.action == "visit"],
        "files": dispute.files.order_by("pk"), "now": timezone.now(),
        "street": Region.objects.filter(code=dispute.street_code).first(),
        "actions": forms.offered(dispute, request.user),
    }
    return render(request, "disputes/detail.html", context)


@login_required
@require_POST
def act(request, pk: int, action: str):
    dispute = get_object_or_404(_visible_or_404(request).select_related("unit"), pk=pk)
    act = DISPUTES.actions.get(action)
    if act is None or act.automatic:
        raise Http404
    try:
        take_posted(DISPUTES, dispute, act, request, evidence=request.FILES.getlist("files")[:5] if act.photos else ())
    except TransitionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("%(action)s: done") % {"action": act.label})
    return redirect("disputes:detail", pk=dispute.pk)


@login_required
def new(request):
    """The registration form (登记): a grid worker on site, a street's desk, the petition office."""
    scope = dispute_scope(request.user)
    if scope.is_empty or not REGISTRARS & _roles(request.user):
        raise Http404
    form = forms.NewDisputeForm(request.POST or None, grids=scope.grids())
    if request.method == "POST" and form.is_valid():
        try:
            dispute = register(form.new_dispute(), request.user, timezone.now())
        except DisputeError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Dispute %(number)s registered") % {"number": dispute.number})
            return redirect("disputes:detail", pk=dispute.pk)
    # A refused registration answers 422, so a client (and the role matrix) tells it from a page.
    status = 422 if request.method == "POST" else 200
    return render(request, "disputes/new.html", {"form": form}, status=status)


@login_required
def agreement_file(request, pk: int, file_pk: int):
    found = get_object_or_404(AgreementFile.objects.filter(dispute__in=_visible_or_404(request)), pk=file_pk,
                              dispute_id=pk)
    return FileResponse(found.file.open("rb"), content_type=found.content_type)
