"""The grid worker's patrol page (铁脚板), phone width: the worker's own grids on a map, a quick pick
of 部件/事件 categories, photo + GPS, and the 核实/核查 tasks waiting in those grids.

Reports are sent by the page's script from a queue kept in the browser (IndexedDB), each with an
idempotency key made when the worker pressed "report": a report made without network is sent when
the network is back, and one sent twice (a lost answer, a retry) opens one case."""

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, RequestDataTooBig, TooManyFieldsSent
from django.db.models import Count, Q
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from finegrid.cases.models import Case, Category
from finegrid.cases.workflow import TransitionError, perform
from finegrid.grid.models import MicroGrid
from finegrid.grid.svg import PALETTE, Shape
from finegrid.org.models import Role, RoleAssignment

from .intake import IntakeError, Submission, intake
from .mapview import patrol_map, patrol_sketch
from .pages import answers_of, questions_shown

TASK_ACTIONS = {"verify": Case.State.COLLECTED, "check_ok": Case.State.HANDLED, "rework": Case.State.HANDLED}


def my_grids(user) -> list:
    assignments = RoleAssignment.objects.filter(user=user, role=Role.GRID_WORKER).prefetch_related("grids")
    return sorted({grid for a in assignments for grid in a.grids.all()}, key=lambda g: g.code)


def _worker_grids(request) -> list:
    grids = my_grids(request.user)
    if not grids:
        raise PermissionDenied(_("The patrol page is for grid workers with a grid."))
    return grids


def tasks_of(grids) -> list[Case]:
    """Cases in my grids waiting for me: 核实 of a new report, 核查 of reported-done work."""
    area = Q(pk__in=[])
    for grid in grids:
        area |= Q(area_code__startswith=grid.code)
    # A patrol report is verified by being made (cases.effects.accept_blocker): not a task again.
    verify = Q(state=Case.State.COLLECTED, category__rules__verify_required=True) & ~Q(channel=Case.Channel.PATROL)
    return list(Case.objects.filter(area).filter(verify | Q(state=Case.State.HANDLED))
                .select_related("category").distinct().order_by("reported_at")[:50])


def quick_categories():
    """部件 and 事件 leaves, the patrol's own catalogue, grouped by 大类."""
    leaves = Category.objects.filter(level=2, active=True, domain__in=("component", "event")).order_by("code")
    groups: dict = {}
    for leaf in leaves.select_related("parent"):
        groups.setdefault(leaf.parent, []).append(leaf)
    return list(groups.items())


QUICK_PICKS = 12
QUICK_WINDOW = timedelta(days=180)  # what the worker reports this season, not three years ago


def quick_picks(user, groups, now=None) -> list:
    """The 12 quick-pick buttons: the worker's own most reported categories first, then those
    patrols report most across the district, then the catalogue's order (a new worker's first day)."""
    leaves = {leaf.pk: leaf for _group, members in groups for leaf in members}
    since = (now or timezone.now()) - QUICK_WINDOW
    patrols = Case.objects.filter(channel=Case.Channel.PATROL, reported_at__gte=since, category_id__in=list(leaves))
    ranked = [*_most_used(patrols.filter(reporter=user)), *_most_used(patrols), *leaves]
    return [leaves[pk] for pk in dict.fromkeys(ranked)][:QUICK_PICKS]


def _most_used(cases) -> list[int]:
    rows = cases.values("category_id").annotate(n=Count("id")).order_by("-n", "category_id")[:QUICK_PICKS]
    return [row["category_id"] for row in rows]


@login_required
@require_GET
def page(request):
    grids = _worker_grids(request)
    micros = MicroGrid.objects.filter(grid__in=grids)
    shapes = [Shape(m.geometry, "", f"{m.name} {m.code}", PALETTE[i % len(PALETTE)]) for i, m in enumerate(micros)]
    shapes += [Shape(g.geometry, "", f"{g.name} {g.code}", "none") for g in grids]
    groups = quick_categories()
    context = {"grids": grids, "map": patrol_sketch(shapes), "patrol_map": patrol_map(grids, micros), "tasks": tasks_of(grids),
               "groups": groups, "quick": quick_picks(request.user, groups), "words": _words(),
               "questions": questions_shown({}, "", public_only=False), "form": {}}
    return render(request, "intake/patrol.html", context)


def _words() -> dict:
    """What the page's script says, in the worker's language."""
    return {"queued": _("waiting for the network"), "refused": _("refused"), "gps": _("Position"),
            "offline": _("No network: reports are kept on this phone and sent later."), "online": _("Online."),
            "nogps": _("No position: the report needs GPS.")}


@login_required
@require_POST
def report(request):
    """One queued report from the page's script: JSON answer, 201 new, 200 replay, 400 refused."""
    grids = _worker_grids(request)
    try:
        form, photos = request.POST, request.FILES.getlist("photos")
        sub = Submission(
            channel=Case.Channel.PATROL, description=form.get("description", ""), category_code=form.get("category", ""),
            lon=form.get("lon") or None, lat=form.get("lat") or None, address=form.get("address", ""),
            reporter=request.user, actor=request.user, photos=photos, public_only=False, answers=answers_of(request),
            key=f"patrol:{request.user.pk}:{form.get('key', '')}" if form.get("key") else "",
        )
    except (RequestDataTooBig, TooManyFieldsSent):
        return JsonResponse({"problems": {"request": _("the report is too large")}}, status=400)
    if not sub.key:
        return JsonResponse({"problems": {"key": _("an idempotency key is required")}}, status=400)
    try:
        taken = intake(sub)
    except IntakeError as error:
        return JsonResponse({"problems": error.problems}, status=400)
    mine = any(taken.case.area_code.startswith(g.code) for g in grids)
    return JsonResponse({"ticket": taken.case.ticket, "created": taken.created, "in_my_grid": mine},
                        status=201 if taken.created else 200)


@login_required
@require_POST
def task(request, ticket):
    """核实 / 核查 on site from the patrol page; the workflow checks the worker's grid."""
    grids = _worker_grids(request)
    action = request.POST.get("action", "")
    case = Case.objects.filter(ticket=ticket).first()
    if case is None or action not in TASK_ACTIONS or not any(case.area_code.startswith(g.code) for g in grids):
        raise PermissionDenied(_("not a task of yours"))
    try:
        perform(case, action, request.user, reason=request.POST.get("reason", "")[:2000])
    except TransitionError as error:
        return render(request, "intake/patrol_problem.html", {"problem": str(error)}, status=400)
    return redirect("intake-patrol")
