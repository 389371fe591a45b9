"""Labels for cases in the database: `label_case(case)` for one, `label_cases()` for every case
without labels (a backfill; `finegrid worker` labels new cases every minute, schedule.py), and
`load_rows()` for the trend analyses.

A case filed under a hotline category keeps the catalogue's topic: the operator chose it. Any
other case gets the model's topic from its title and description."""

from datetime import date, datetime, time

from django.db import transaction
from django.utils import timezone

from django.utils.translation import gettext as _

from finegrid.cases.models import Case
from finegrid.cases.notices import hand_to_emergency_services

from .classify import classify_many
from .models import CaseLabels
from .places import current_gazetteer
from .store import active_model
from .taxonomy import URGENT
from .trends import Row

BATCH = 2000


def label_case(case: Case) -> CaseLabels:
    return label_cases(Case.objects.filter(pk=case.pk))[0]


def label_cases(cases=None, limit: int | None = None, progress=None) -> list[CaseLabels]:
    """Label the given cases (default: every case that has no labels yet), in batches; with
    `limit`, only that many, the newest first. `progress(total)` may return a bar to update."""
    cases = Case.objects.filter(insight__isnull=True) if cases is None else cases
    if limit is not None:
        pks = list(cases.order_by("-pk").values_list("pk", flat=True)[:limit])[::-1]
    else:
        pks = list(cases.order_by("pk").values_list("pk", flat=True))
    if not pks:
        return []
    model, gazetteer, made = active_model(), current_gazetteer(), []
    bar = progress(len(pks)) if progress else None
    for start in range(0, len(pks), BATCH):
        batch = list(Case.objects.filter(pk__in=pks[start:start + BATCH]).select_related("category__parent"))
        made += _label_batch(batch, model, gazetteer)
        if bar is not None:
            bar.update(len(batch))
    if bar is not None:
        bar.close()
    return made


def _label_batch(batch: list[Case], model, gazetteer) -> list[CaseLabels]:
    found = classify_many([c.description for c in batch], [c.title for c in batch], model)
    rows = []
    for case, labels in zip(batch, found):
        topic, subtopic = _catalogue_topic(case) or (labels.topic, labels.subtopic)
        rows.append(CaseLabels(case=case, topic=topic, subtopic=subtopic, topic_confidence=labels.topic_confidence,
                               request_type=labels.request_type, urgency=labels.urgency,
                               place=gazetteer.where(f"{case.title}。{case.description}").place or "",
                               liaison=",".join(labels.liaison) if labels.urgency == URGENT else "",
                               model_version=labels.model_version))
    with transaction.atomic():
        CaseLabels.objects.filter(case__in=batch, corrected=False).delete()
        kept = set(CaseLabels.objects.filter(case__in=batch).values_list("case_id", flat=True))
        made = CaseLabels.objects.bulk_create([r for r in rows if r.case_id not in kept])
        for row in made:
            if row.liaison:  # 联动: the services' liaisons are told; the case stays on its path for follow-up
                hand_to_emergency_services(row.case, row.liaison.split(","),
                                           _("Insight found a danger for %(services)s in this appeal.")
                                           % {"services": row.liaison})
        return made


def _catalogue_topic(case: Case) -> tuple[str, str] | None:
    category = case.category
    if category is None or category.domain != "hotline" or category.level < 1:
        return None
    if category.level == 1:
        return category.name, ""
    return category.parent.name, category.name


def load_rows(start: date, end: date) -> list[Row]:
    """Labelled cases reported from `start` to before `end`."""
    zone = timezone.get_current_timezone()
    since, until = (timezone.make_aware(datetime.combine(d, time()), zone) for d in (start, end))
    labelled = (CaseLabels.objects.filter(case__reported_at__gte=since, case__reported_at__lt=until)
                .values_list("case__reported_at", "topic", "subtopic", "case__grid__code", "case__area_code",
                             "case__unit__code", "case__title", "case__description"))
    return [Row(timezone.localtime(at, zone), topic, sub, grid or "", (area or "")[:9], unit or "", f"{title}。{text}")
            for at, topic, sub, grid, area, unit, title, text in labelled]
