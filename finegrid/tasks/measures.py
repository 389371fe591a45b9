"""Key tasks measured by linked data instead of a report. Any app adds a source of figures on its
AppConfig, as it adds its reports and panels:

    task_measures = (("cases_closed", _("Cases closed in a category and area"),
                      "finegrid.cases.measures.cases_closed", (("category", _("Category code")), …)),)

a code, a label, the dotted path of `figure(params, since, until) -> float` and the parameters it
reads (name, label). The 督查室 links a task to one source with its parameters and the figure that
counts as done; before the daily 督办 pass the worker reads each linked running task's figure into
its progress (figure ÷ target, through the machine's `measured` step, only when it moved), so the
roll-up, the colours and the evaluation use it as they use a unit's report. The tasks app itself
gives the monthly figure (an indicator's value entered or imported per month)."""

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from finegrid.cases.machine import TransitionError
from finegrid.core.declared import declared

from .models import KeyTask, MonthlyFigure, TaskMeasure
from . import rules as R


@dataclass(frozen=True)
class Source:
    code: str
    label: str
    path: str
    params: tuple  # ((name, label), …)

    def figure(self, params: dict, since: datetime | None, until: datetime) -> float:
        return float(import_string(self.path)(params, since, until))


@cache
def sources() -> dict[str, Source]:
    return {code: Source(code, label, path, tuple(params)) for code, label, path, params in declared("task_measures")}


def param_names() -> list[str]:
    """Every parameter any source reads, once: the inputs of the `link_measure` step."""
    names = []
    for source in sources().values():
        names += [name for name, _label in source.params if name not in names]
    return names


def param_labels() -> dict:
    return {name: label for source in sources().values() for name, label in source.params}


def check_link(task, step, ctx) -> None:
    source = sources().get(step.data.get("source", ""))
    if source is None:
        raise TransitionError(_("measured by one of: %(codes)s") % {"codes": ", ".join(sources())})
    try:
        assert float(step.data.get("target", "")) > 0
    except (ValueError, AssertionError):
        raise TransitionError(_("the figure for 100 % is a number above 0"))
    missing = [str(label) for name, label in source.params if not str(step.data.get(name, "")).strip()]
    if missing:
        raise TransitionError(_("%(source)s needs %(params)s") % {"source": source.label, "params": ", ".join(missing)})


def after_link(task, step, row) -> None:
    source = sources()[step.data["source"]]
    params = {name: str(step.data[name]).strip() for name, _label in source.params}
    TaskMeasure.objects.update_or_create(task=task, defaults={
        "source": source.code, "params": params, "target": float(step.data["target"]), "value": None,
        "read_at": None})


def read_measures(now: datetime) -> int:
    """Each running measured task's figure, read into its progress when the percent moved.
    Returns how many tasks moved."""
    from .engine import RUNNING, TASKS

    moved = 0
    known = sources()
    for measure in TaskMeasure.objects.filter(task__state__in=RUNNING).select_related("task"):
        source = known.get(measure.source)
        if source is None:  # the app that gave it is no longer installed
            continue
        task = measure.task
        figure = source.figure(measure.params, task.planned_start, now)
        percent = max(0, min(100, round(100 * figure / measure.target)))
        TaskMeasure.objects.filter(pk=measure.pk).update(value=figure, read_at=now)
        # A figure read is the month's report: no 催办 for a task its data measures.
        KeyTask.objects.filter(pk=task.pk).update(last_report_at=now)
        task.last_report_at = now
        if percent != task.progress:
            TASKS.perform(task, "measured", None, now=now, data={"percent": percent, "figure": figure},
                          reason=_("linked figure %(figure)s of %(target)s") % {"figure": figure,
                                                                                "target": measure.target})
            moved += 1
    return moved


def monthly_figure(params: dict, since: datetime | None, until: datetime) -> float:
    """The indicator's latest monthly value up to `until` (a cumulative figure, as offices keep them)."""
    row = (MonthlyFigure.objects.filter(indicator=params["indicator"], month__lte=R.month_of(until))
           .order_by("-month").values_list("value", flat=True).first())
    return row or 0.0


def measured(task: KeyTask) -> bool:
    return TaskMeasure.objects.filter(task=task).exists()
