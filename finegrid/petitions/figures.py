"""Judged by results: the petitions registered in a period, as an evaluation cohort beside the
cases (及时受理率, 按期办结率, 群众满意率, 重复信访率 by unit, street and leader), and the overview's panel."""

from datetime import UTC, datetime

from django.db.models import F, Q
from django.utils import timezone
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from finegrid.cases.evaluation import COHORTS, Cohort, by_area, by_unit, evaluate_together, names_of

from .models import LeaderCase, Petition
from .rules import LOCAL

P = Petition.State
GROUPS = {"unit", "street", "leader"}


def _names(by: str, keys: list) -> dict:
    return names_of("person" if by == "leader" else by, keys)


PETITION_RESULTS = Cohort("petitions", Petition, "registered_at", {
    # A decision or an answer still within its time is neither on time nor late yet: it waits.
    "to_decide": Q(accepted_at__isnull=False) | Q(state=P.DECLINED) | Q(accept_due_at__lt=Now()),
    "decided_in_time": Q(accepted_at__lte=F("accept_due_at")) | Q(state=P.DECLINED, concluded_at__lte=F("accept_due_at")),
    "to_answer": Q(accepted_at__isnull=False) & (Q(answered_at__isnull=False) | Q(handle_due_at__lt=Now())),
    "answered_in_time": Q(answered_at__lte=F("handle_due_at")),
    "rated": Q(rating__isnull=False),
    "satisfied": Q(rating__gte=2),
    "repeated": Q(first__isnull=False),
}, groupings={"unit": by_unit, "street": by_area(9), "leader": lambda rows: by_unit(rows, "leader")},
    names=_names, weights={"petition_timely_acceptance": 10, "petition_on_time": 15, "petition_satisfaction": 10,
                           "petition_repeat_rate": 10})


@PETITION_RESULTS.indicator("petition_timely_acceptance", "及时受理率", _("Timely acceptance"), GROUPS)
def timely_acceptance(decided_in_time, to_decide):
    """及时受理率 = petitions whose 受理 or 不予受理 was decided within the 15 days of 信访工作条例
    第二十四条 ÷ petitions transferred (转送/交办) and decided, or past those 15 days undecided."""
    return decided_in_time, to_decide


@PETITION_RESULTS.indicator("petition_on_time", "按期办结率", _("Handled on time"), GROUPS)
def on_time(answered_in_time, to_answer):
    """按期办结率 = petitions answered (答复) by their 办理 deadline — 60 days, with an approved
    extension of at most 30 and hearings not counted (第三十二条) — ÷ petitions accepted and either
    answered or past that deadline (one still within its time is not counted yet)."""
    return answered_in_time, to_answer


@PETITION_RESULTS.indicator("petition_satisfaction", "群众满意率", _("Petitioners satisfied"), GROUPS)
def satisfaction(satisfied, rated):
    """群众满意率 = petitioners who rated the answer 满意 or 基本满意 ÷ petitioners who rated it."""
    return satisfied, rated


@PETITION_RESULTS.indicator("petition_repeat_rate", "重复信访率", _("Repeat petitions"), GROUPS, lower_is_better=True)
def repeat_rate(repeated, reported):
    """重复信访率 = petitions that came again on a matter already petitioned (linked to its first
    petition) ÷ petitions registered. Lower is better."""
    return repeated, reported


# Where leaders look: the petitions' four rates and the disputes' 化解率 side by side. The dispute
# cohort is found in the engine's registry by name (no import of the disputes app); by street and by
# unit both cohorts group, by leader only the petitions (a dispute has a mediator, not a 包案 leader).
LEADERS_LOOK_AT = ("petition_timely_acceptance", "petition_on_time", "petition_satisfaction", "petition_repeat_rate",
                   "settlement_rate")
SIDE_BY_SIDE = ("petitions", "disputes")


def side_by_side(start, end, by: str = "street") -> list:
    cohorts = [c for c in COHORTS if c.name in SIDE_BY_SIDE and by in c.groupings]
    return evaluate_together(cohorts, start, end, by)


def totals(rows) -> dict:
    """The rates of several rows together (a viewer's streets): their counts summed, then divided."""
    summed: dict = {}
    for row in rows:
        for name, n in row.counts.items():
            summed[name] = summed.get(name, 0) + n
    found = {}
    for cohort in COHORTS:
        if cohort.name not in SIDE_BY_SIDE:
            continue
        mine = {name.split(".", 1)[1]: n for name, n in summed.items() if name.startswith(cohort.name + ".")}
        for key, ind in cohort.indicators.items():
            if key in LEADERS_LOOK_AT and all(name in mine for name in ind.counts):
                found[key] = ind.value(mine)
    return found


def rates(scope, now) -> dict:
    """The year so far (Shanghai's calendar year) in the viewer's area, in total and by street."""
    year = now.astimezone(LOCAL).year
    start, end = (datetime(y, 1, 1, tzinfo=LOCAL).astimezone(UTC) for y in (year, year + 1))
    rows = [row for row in side_by_side(start, end, "street") if scope.covers_code(row.key)]
    labels = {key: ind for c in COHORTS if c.name in SIDE_BY_SIDE for key, ind in c.indicators.items()}
    return {"rates": [(labels[key], totals(rows).get(key)) for key in LEADERS_LOOK_AT if key in labels],
            "by_street": [(row.name or row.key, [row.values.get(key) for key in LEADERS_LOOK_AT]) for row in rows],
            "columns": [labels[key] for key in LEADERS_LOOK_AT if key in labels], "year": start.astimezone(LOCAL).year}


def overview(desk) -> dict:
    """The overview's panel: open petitions, the overdue ones, the 包案 that lag, and the year's
    rates in the viewer's area beside the disputes' 化解率."""
    open_rows = Petition.objects.exclude(state__in=[P.ROUTED, P.DECLINED, P.CONCLUDED, P.NOT_AGAIN])
    owned = LeaderCase.objects.filter(state=LeaderCase.State.OWNED)
    return {"open": open_rows.count(), "red": open_rows.filter(alarm="red").count(),
            "owned": owned.count(), "lagging": owned.exclude(alarm="").count(), **rates(desk.scope, timezone.now())}
