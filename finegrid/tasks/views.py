"""The console's 大督查 pages: the 督查 desk (the coloured tree with its filters), a task's page (its
source passage, plan, reports, orders, history and the buttons its machine offers), a unit's task
inbox, the 整改台账, the monthly 督查通报 and the evaluation with the cadre records. Every list
exports to xlsx and CSV with the filters it shows."""

from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from finegrid.cases.machine import TransitionError
from finegrid.cases.posted import read_posted, take_posted
from finegrid.core.models import audit
from finegrid.org.models import Unit

from finegrid.core import exports

from . import report as monthly
from .access import Access
from .cadres import cadres_for, name_of
from .measures import param_labels, sources
from .engine import PROBLEMS, TASKS, open_order
from .evaluation import evaluation_rows
from .instructions import open_instruction
from .models import KeyTask, Milestone, MonthlyFigure, Problem, SourceDocument, TaskMeasure
from .rules import end_of_day
from .store import issue_tree

PAGE = 200
INPUT_LABELS = {  # the action inputs' names as a form shows them
    "title": gettext_lazy("Task"), "deadline": gettext_lazy("Deadline"), "weight": gettext_lazy("Weight"),
    "lead_unit": gettext_lazy("Lead unit (code or name)"), "co_units": gettext_lazy("Co-units (codes or names)"),
    "leader": gettext_lazy("Leader in charge (user name)"), "milestones": gettext_lazy("Milestones"),
    "percent": gettext_lazy("Per cent complete"), "period": gettext_lazy("Period (2026-11)"),
    "done": gettext_lazy("What was done"), "problems": gettext_lazy("Problems"), "next_steps": gettext_lazy("Next steps"),
    "targets": gettext_lazy("Target values (id=value)"), "kind": gettext_lazy("Why"),
    "response": gettext_lazy("Answer"), "evidence": gettext_lazy("Evidence"),
    "other": gettext_lazy("The task merged into this one"), "cuts": gettext_lazy("Cut before (words a part begins with, | between)"),
    "source": gettext_lazy("Measured by"), "target": gettext_lazy("Figure for 100 %"),
}
COLOURS = {"red": "#d64545", "yellow": "#e8b62c", "": "#3c9d5d"}


def access_or_403(request, test) -> Access:
    access = Access.of(request.user)
    if not test(access):
        raise PermissionDenied
    return access


# ── the desk and the inbox ────────────────────────────────────────────────────────────────────


def filtered(rows, params, access):
    """The desk's filters: section, leader, unit, status, colour, document, "mine" (a leader's own)."""
    if params.get("section", "").isdigit():
        rows = rows.filter(root_id=int(params["section"]))
    if params.get("leader", "").isdigit():
        rows = rows.filter(leader_id=int(params["leader"]))
    if params.get("unit", "").isdigit():
        rows = rows.filter(Q(unit_id=int(params["unit"])) | Q(co_units=int(params["unit"]))).distinct()
    if params.get("status") in KeyTask.State.values:
        rows = rows.filter(state=params["status"])
    if params.get("colour") in ("red", "yellow", "green"):
        rows = rows.filter(alarm="" if params["colour"] == "green" else params["colour"])
    if params.get("document", "").isdigit():
        rows = rows.filter(document_id=int(params["document"]))
    if params.get("mine") and access.leader:
        rows = rows.filter(Q(leader=access.user) | Q(owner=access.user))
    return rows


EXPORT_HEADER = ["number", "task", "level", "lead unit", "leader in charge", "state", "colour", "progress",
                 "deadline", "reports"]


def export_rows(rows):
    for t in rows.select_related("unit", "leader").iterator(chunk_size=2000):
        yield [t.number, t.title, t.level, t.unit.name if t.unit else "", t.leader.username if t.leader else "",
               t.get_state_display(), t.alarm or "green", round(t.rolled), t.planned_end and
               timezone.localtime(t.planned_end).date().isoformat(), t.report_count]


def tree_page(request, rows, template, extra):
    fmt = request.GET.get("export")
    if fmt in exports.FORMATS:
        return exports.respond(fmt, "key-tasks", [_(h) for h in EXPORT_HEADER], export_rows(rows))
    page = Paginator(rows.select_related("unit", "leader", "owner").order_by("document_id", "order"), PAGE) \
        .get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("export", None)
    return render(request, template, {"page": page, "tasks": page.object_list, "query": query.urlencode(),
                                      "colours": COLOURS, **extra})


@require_GET
@login_required
def desk(request):
    access = access_or_403(request, lambda a: a.all_tasks)
    rows = filtered(access.tasks(), request.GET, access)
    counts = dict(rows.filter(state__in=("confirmed", "in_progress")).order_by().values_list("alarm")
                  .annotate(n=Count("pk")))
    extra = {
        "access": access, "params": request.GET,
        "sections": KeyTask.objects.filter(parent__isnull=True).order_by("document_id", "order"),
        "units": Unit.objects.filter(active=True).order_by("code"),
        "leaders": KeyTask.objects.exclude(leader=None).values_list("leader_id", "leader__username").distinct()
        .order_by("leader__username"),
        "states": KeyTask.State.choices,
        "documents": SourceDocument.objects.order_by("-imported_at"),
        "drafts": SourceDocument.objects.filter(tasks__state=KeyTask.State.DRAFT).distinct(),
        "counts": {"red": counts.get("red", 0), "yellow": counts.get("yellow", 0), "green": counts.get("", 0)},
    }
    return tree_page(request, rows, "tasks/desk.html", extra)


@require_GET
@login_required
def inbox(request):
    access = access_or_403(request, lambda a: bool(a.units))
    rows = filtered(access.tasks(), request.GET, access)
    return tree_page(request, rows, "tasks/inbox.html", {"access": access, "params": request.GET,
                                                          "units": Unit.objects.filter(pk__in=access.units)})


# ── one task ──────────────────────────────────────────────────────────────────────────────────


def visible_task(request, pk) -> tuple[Access, KeyTask]:
    access = access_or_403(request, lambda a: a.any_task)
    task = access.tasks().filter(pk=pk).select_related("unit", "leader__person", "owner__person", "document", "parent").first()
    if task is None:
        raise Http404
    return access, task


def passage_in_context(task, around: int = 120) -> dict:
    if task.document_id is None or task.source_start is None:
        return {}
    text = task.document.text
    return {"before": text[max(0, task.source_start - around):task.source_start],
            "passage": text[task.source_start:task.source_end], "after": text[task.source_end:task.source_end + around]}


@require_GET
@login_required
def task_detail(request, pk):
    access, task = visible_task(request, pk)
    plans = {}
    for milestone in Milestone.objects.filter(task=task).order_by("plan", "due"):
        plans.setdefault(milestone.plan, []).append(milestone)
    context = {
        "task": task, "access": access, "source": passage_in_context(task), "plans": sorted(plans.items()),
        "children": task.children.select_related("unit").order_by("order"),
        "co_units": task.co_units.all(), "targets": task.targets.all(),
        "reports": task.reports.select_related("unit").order_by("-at")[:50],
        "orders": task.orders.all()[:20], "open_order": open_order(task),
        "history": labelled(TASKS, task.transitions.order_by("-seq")[:50]), "evidence": task.evidence.all()[:50],
        "actions": form_of(TASKS.allowed(task, request.user)), "colours": COLOURS,
        "more_passages": task.passages()[1:], "measure": (measure := TaskMeasure.objects.filter(task=task).first()),
        "measure_params": [(param_labels().get(k, k), v) for k, v in measure.params.items()] if measure else [],
        "sources": sources(),
        "merge_with": task.document.tasks.filter(state=KeyTask.State.DRAFT, branch=False).exclude(pk=task.pk)
        .order_by("order") if task.document_id and task.state == KeyTask.State.DRAFT else (),
    }
    return render(request, "tasks/task.html", context)


def form_of(actions) -> list[dict]:
    """Each action the page offers with its inputs' labels: what its form shows."""
    return [{"name": a.name, "label": a.label, "needs_reason": a.needs_reason, "photos": a.photos,
             "inputs": [{"name": i.name, "kind": i.kind, "required": i.required,
                         "label": INPUT_LABELS.get(i.name) or param_labels().get(i.name) or i.label or i.name}
                        for i in a.inputs]} for a in actions]


def labelled(machine, rows) -> list:
    """Each history row with its action's label, in the reader's language."""
    for row in rows:
        act = machine.actions.get(row.action)
        row.label = act.label if act else row.action
        yield row


def acting_unit(access, task, action):
    if action == "contribute":
        return next((u for u in task.co_units.filter(pk__in=access.units)), None)
    return None


def target_figures(task, action, post) -> dict:
    """The progress form shows one labelled field per target (`target_<id>`); the step takes them
    as its `targets` input, "id=figure, …", as the API and the CLI write it."""
    if not any(spec.name == "targets" for spec in action.inputs):
        return {}
    pairs = [f"{pk}={post[f'target_{pk}'].strip()}" for pk in task.targets.values_list("pk", flat=True)
             if post.get(f"target_{pk}", "").strip()]
    if not pairs:
        return {}
    data = read_posted(action, post).data
    data["targets"] = ", ".join(pairs)
    return {"data": data}


@require_POST
@login_required
def act(request, pk):
    access, task = visible_task(request, pk)
    action = TASKS.actions.get(request.POST.get("action", ""))
    if action is None or action.automatic:
        return HttpResponseBadRequest(_("unknown action"))
    try:
        with transaction.atomic():  # a step and the steps it takes on others (a merge) stand or fall together
            take_posted(TASKS, task, action, request, unit=acting_unit(access, task, action.name),
                        evidence=request.FILES.getlist("evidence") if action.photos else (),
                        **target_figures(task, action, request.POST))
    except TransitionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("%(action)s: done") % {"action": action.label})
    return redirect("tasks:task", pk=task.pk)


@require_POST
@login_required
def issue_document(request, pk):
    access_or_403(request, lambda a: a.office)
    document = get_object_or_404(SourceDocument, pk=pk)
    refused = issue_tree(document, request.user)
    for line in refused[:20]:
        messages.warning(request, line)
    messages.success(request, _("The tree is issued.") if not refused else _("Issued, except the tasks named."))
    return redirect(f"{redirect('tasks:desk').url}?document={document.pk}")


@require_POST
@login_required
def new_instruction(request):
    access = access_or_403(request, lambda a: a.all_tasks)
    try:
        task = open_instruction(title=request.POST.get("title", ""), urgency=request.POST.get("urgency", "normal"),
                                unit_code=request.POST.get("lead_unit", ""), leader=request.user if access.leader
                                else None, actor=request.user)
    except (TransitionError, ValueError) as error:
        messages.error(request, str(error))
        return redirect("tasks:desk")
    return redirect("tasks:task", pk=task.pk)


# ── the 整改台账 ──────────────────────────────────────────────────────────────────────────────


@require_GET
@login_required
def ledger(request):
    access = access_or_403(request, lambda a: a.all_tasks or bool(a.units))
    rows = access.problems().select_related("unit")
    if request.GET.get("unit", "").isdigit():
        rows = rows.filter(unit_id=int(request.GET["unit"]))
    if request.GET.get("state") in Problem.State.values:
        rows = rows.filter(state=request.GET["state"])
    now = timezone.now()
    fmt = request.GET.get("export")
    if fmt in exports.FORMATS:
        header = [_(h) for h in ("ledger", "number", "problem", "measures", "responsible unit", "deadline", "state",
                                 "overdue")]
        return exports.respond(fmt, "rectification", header, (
            [p.ledger, p.number, p.description, p.measures, p.unit.name, timezone.localtime(p.due_at).date(),
             p.get_state_display(), p.state != Problem.State.CLOSED and p.due_at < now] for p in rows))
    query = request.GET.copy()
    query.pop("export", None)
    return render(request, "tasks/ledger.html", {
        "problems": rows[:500], "by_unit": monthly.rectification_by_unit(rows, now), "now": now,
        "units": Unit.objects.filter(pk__in=access.problems().values("unit")), "states": Problem.State.choices,
        "office": access.office, "all_units": Unit.objects.filter(active=True) if access.office else (),
        "sources": Problem.Source.choices,
        "params": request.GET, "query": query.urlencode()})


@require_POST
@login_required
def new_problem(request):
    """The 督查室 enters an item of a 问题清单 (巡视 feedback, a 督查 or audit finding)."""
    access_or_403(request, lambda a: a.office)
    post, now = request.POST, timezone.now()
    try:
        unit = Unit.objects.get(code=post.get("unit", ""), active=True)
        due = end_of_day(post.get("deadline", ""))
        fields = {name: post.get(name, "").strip() for name in ("ledger", "number", "description", "measures",
                                                               "closing_condition")}
        if not all(fields.values()) or post.get("source") not in Problem.Source.values:
            raise ValueError(_("every field of the item is needed"))
        if Problem.objects.filter(ledger=fields["ledger"], number=fields["number"]).exists():
            raise ValueError(_("that number is already in the ledger"))
        problem = PROBLEMS.open(Problem(**fields, source=post["source"], unit=unit, opened_at=now, due_at=due,
                                        next_check_at=now), "register", request.user, now=now)
    except (Unit.DoesNotExist, ValueError) as error:
        messages.error(request, str(error) or _("no such unit"))
        return redirect("tasks:ledger")
    return redirect("tasks:problem", pk=problem.pk)


@login_required
def problem_detail(request, pk):
    access = access_or_403(request, lambda a: a.all_tasks or bool(a.units))
    problem = access.problems().filter(pk=pk).select_related("unit", "leader").first()
    if problem is None:
        raise Http404
    if request.method == "POST":
        action = PROBLEMS.actions.get(request.POST.get("action", ""))
        if action is None or action.automatic:
            return HttpResponseBadRequest(_("unknown action"))
        try:
            take_posted(PROBLEMS, problem, action, request)
        except TransitionError as error:
            messages.error(request, str(error))
        return redirect("tasks:problem", pk=problem.pk)
    return render(request, "tasks/problem.html", {
        "problem": problem, "actions": form_of(PROBLEMS.allowed(problem, request.user)),
        "history": labelled(PROBLEMS, problem.transitions.order_by("-seq"))})


# ── the 督查通报 and the evaluation ───────────────────────────────────────────────────────────


@require_GET
@login_required
def monthly_report(request):
    access_or_403(request, lambda a: a.all_tasks)
    month = request.GET.get("month") or f"{timezone.localdate():%Y-%m}"
    try:
        figures = monthly.month_figures(month)
    except ValueError:
        return HttpResponseBadRequest(_("A month is written like 2026-11."))
    fmt = request.GET.get("export")
    if fmt in exports.FORMATS:
        return exports.respond(fmt, f"supervision-{month}", *monthly.status_table(figures))
    return render(request, "tasks/report.html", {**figures, "chart": monthly.chart(figures)})


@require_GET
@login_required
def evaluation(request):
    access = access_or_403(request, lambda a: a.evaluation)
    period = request.GET.get("period") or f"{timezone.localdate():%Y}"
    try:
        rows = evaluation_rows(period)
    except ValueError:
        return HttpResponseBadRequest(_("A period is written like 2026, 2026-Q3 or 2026-11."))
    fmt = request.GET.get("export")
    if fmt in exports.FORMATS:
        header = [_("rank"), _("unit"), _("class"), _("score"), *[key for key in rows.keys]]
        return exports.respond(fmt, f"evaluation-{period}", header,
                               ([r.rank, r.name, r.klass, r.score, *[r.values.get(k) for k in rows.keys]]
                                for r in rows.rows))
    counts = dict(access.cadre_records().values_list("cadre_id").annotate(n=Count("pk")).order_by())
    people = sorted(cadres_for(access), key=name_of)
    cadres = [{"user": u, "name": name_of(u), "n": counts.get(u.pk, 0)} for u in people]
    return render(request, "tasks/evaluation.html", {"period": period, "table": rows,
                                                     "cadres": [c for c in cadres if c["n"]],
                                                     "others": [c for c in cadres if not c["n"]]})


# ── monthly figures (the linked data a task may be measured by) ──────────────────────────────


@login_required
def figures(request):
    """Each indicator's value per month, entered by the 督查室 (or read back from an import); a
    task linked to the indicator takes its progress from the latest month."""
    access = access_or_403(request, lambda a: a.all_tasks)
    if request.method == "POST":
        if not access.office:
            raise PermissionDenied
        post = request.POST
        indicator, month = post.get("indicator", "").strip()[:100], post.get("month", "").strip()
        try:
            monthly.month_bounds(month)
            value = float(post.get("value", ""))
            if not indicator:
                raise ValueError
        except ValueError:
            messages.error(request, _("An indicator, a month written like 2026-11 and a number are needed."))
        else:
            MonthlyFigure.objects.update_or_create(indicator=indicator, month=month, defaults={
                "value": value, "entered_by": request.user, "entered_at": timezone.now()})
            audit("tasks.figure.enter", target=f"{indicator}:{month}", actor=request.user, value=value)
            messages.success(request, _("Recorded."))
        return redirect("tasks:figures")
    linked = Counter(params.get("indicator") for params in
                     TaskMeasure.objects.filter(source="monthly_figure").values_list("params", flat=True))
    rows = list(MonthlyFigure.objects.order_by("indicator", "-month")[:500])
    for row in rows:
        row.linked = linked[row.indicator]
    return render(request, "tasks/figures.html", {"rows": rows, "office": access.office})
