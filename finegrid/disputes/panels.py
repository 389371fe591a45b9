"""The disputes' panel on the leader's one screen: the open disputes of the viewer's area by
field and risk level, the overdue ones, and the year's 化解率."""

from datetime import datetime

from django.db.models import Count
from django.utils import timezone

from .access import visible_disputes
from .engine import OPEN
from .models import Dispute, Field, Risk

D = Dispute.State


def figures(user, now: datetime) -> dict:
    disputes = visible_disputes(user)
    running = disputes.filter(state__in=OPEN)
    by_risk = dict(running.order_by().values_list("risk").annotate(n=Count("pk")))
    by_field = dict(running.order_by().values_list("field").annotate(n=Count("pk")))
    year = disputes.filter(registered_at__year=timezone.localtime(now).year)
    registered = year.count()
    settled = year.filter(state=D.CLOSED, broken=False).count()
    return {
        "open": running.count(),
        "overdue": running.filter(state__in=(D.REGISTERED, D.MEDIATING), due_at__lt=now).count(),
        "risks": {risk: by_risk.get(risk, 0) for risk in Risk.values},
        "risk_labels": [(risk.value, risk.label, by_risk.get(risk.value, 0)) for risk in Risk],
        "fields": [{"field": f.value, "label": f.label, "n": by_field.get(f.value, 0)} for f in Field],
        "registered": registered,
        "settled": settled,
        "settlement_rate": round(100 * settled / registered, 1) if registered else None,
    }


def overview(desk) -> dict:
    return figures(desk.viewer.user, timezone.now())
