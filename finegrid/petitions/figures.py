"""Judged by results: the petitions registered in a period, as an evaluation cohort beside the
cases (及时受理率, 按期办结率, 群众满意率, 重复信访率 by unit, street and leader), and the overview's panel."""

from django.db.models import F, Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from finegrid.cases.evaluation import Cohort, by_area, by_unit, names_of

from .models import LeaderCase, Petition

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


def overview(desk) -> dict:
    """The overview's panel: open petitions, the overdue ones, the 包案 that lag."""
    open_rows = Petition.objects.exclude(state__in=[P.ROUTED, P.DECLINED, P.CONCLUDED, P.NOT_AGAIN])
    owned = LeaderCase.objects.filter(state=LeaderCase.State.OWNED)
    return {"open": open_rows.count(), "red": open_rows.filter(alarm="red").count(),
            "owned": owned.count(), "lagging": owned.exclude(alarm="").count()}
