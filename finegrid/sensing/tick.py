"""The sensing tick, every 10 seconds: devices silent for `offline_after` × their interval get
an offline (离线) alarm, and alarms nobody acknowledged escalate a level at 5, 15 and 30 minutes
(a colour up, and wider notice: supervisors, then leaders), opening a case once they reach the
case level. Rows are claimed with conditional UPDATEs, so two ticks never do the same work."""

from collections import Counter
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Least
from django.utils import timezone
from django.utils.translation import gettext as _

from finegrid.cases.notices import notify
from finegrid.org.models import Role, RoleAssignment

from . import texts
from .alarms import ESCALATE_AFTER, Change, S, active_key, say
from .casework import open_cases
from .engine import FLUSH_S
from .kinds import OFFLINE_SEVERITY, RED
from .models import Alarm, AlarmEvent, Device

INTERVAL_S = 10


def tick(now: datetime | None = None, engine=None, limit: int = 500, hand_cases=None) -> dict:
    """One pass; `engine` (when this process ingests) first writes its last-seen times;
    `hand_cases(alarms)`, when given, takes the alarms that need a case (the ingest's case process)
    instead of their being opened here ("cases" then counts those handed over)."""
    now = now or timezone.now()
    if engine is not None:
        engine.flush()
    # Another process's ingest writes last-seen times every FLUSH_S: allow for that much lag.
    slack = timedelta(0) if engine is not None else timedelta(seconds=FLUSH_S)
    changes = check_offline(now, slack) + escalate_unacknowledged(now, limit)
    needing = [c.alarm for c in changes if c.needs_case]
    if hand_cases is not None and needing:
        hand_cases(needing)
    cased = needing if hand_cases is not None else open_cases(needing, now)
    if engine is not None:
        engine.note_alarmed({c.alarm.device_id for c in changes if c.action == "raise"})
        for listener in engine.listeners:
            for change in changes:
                listener(change.event())
    counts = Counter(change.action for change in changes)
    return {"offline": counts["raise"], "escalated": counts["escalate"], "cases": len(cased)}


def check_offline(now: datetime, slack: timedelta = timedelta(0)) -> list[Change]:
    candidates = (Device.objects.filter(active=True, site__active=True, last_seen_at__lt=now - timedelta(seconds=1))
                  .select_related("site"))
    due = [d for d in candidates if now - d.last_seen_at > timedelta(seconds=d.interval_s * d.offline_after) + slack]
    if not due:
        return []
    already = set(Alarm.objects.filter(device__in=due, rule="offline", active_key__isnull=False)
                  .values_list("device_id", flat=True))
    return [change for device in due if device.pk not in already and (change := _raise_offline(device, now))]


def _raise_offline(device: Device, now: datetime) -> Change | None:
    silent = int((now - device.last_seen_at).total_seconds())
    alarm = Alarm(site=device.site, device=device, rule="offline", area_code=device.site.area_code,
                  active_key=active_key(device.pk, None, "offline"), severity=OFFLINE_SEVERITY,
                  raised_at=now, updated_at=now, next_check_at=now + ESCALATE_AFTER[0])
    say(alarm, texts.OFFLINE, {"silent": silent, "interval": device.interval_s})
    try:
        with transaction.atomic():
            alarm.save()
            AlarmEvent.objects.create(alarm=alarm, at=now, action="raise", to_state=alarm.state, severity=alarm.severity)
    except IntegrityError:  # another process raised it in the meantime
        return None
    return Change(alarm, "raise")


def escalate_unacknowledged(now: datetime, limit: int = 500) -> list[Change]:
    due = list(Alarm.objects.filter(next_check_at__lte=now).order_by("next_check_at")
               .values_list("pk", "next_check_at")[:limit])
    changes = []
    for pk, seen in due:
        with transaction.atomic():
            alarm = Alarm.objects.select_related("site", "sensor").filter(pk=pk, next_check_at=seen).first()
            if alarm is not None and (change := _escalate(alarm, seen, now)):
                changes.append(change)
    return changes


def _escalate(alarm: Alarm, seen: datetime, now: datetime) -> Change | None:
    if alarm.state != S.ACTIVE_UNACK or alarm.escalation >= len(ESCALATE_AFTER):
        Alarm.objects.filter(pk=alarm.pk, next_check_at=seen).update(next_check_at=None)
        return None
    level = alarm.escalation + 1
    following = alarm.raised_at + ESCALATE_AFTER[level] if level < len(ESCALATE_AFTER) else None
    # A colour up from what the alarm is now: the ingest may have raised it meanwhile.
    won = Alarm.objects.filter(pk=alarm.pk, next_check_at=seen, escalation=alarm.escalation).update(
        escalation=level, severity=Least(F("severity") + 1, Value(RED)), next_check_at=following, updated_at=now)
    if not won:
        return None
    severity = Alarm.objects.values_list("severity", flat=True).get(pk=alarm.pk)
    alarm.escalation, alarm.severity, alarm.next_check_at = level, severity, following
    AlarmEvent.objects.create(alarm=alarm, at=now, action="escalate", from_state=alarm.state, to_state=alarm.state,
                              severity=severity, value=alarm.value, comment=f"level {level}")
    minutes = int((now - alarm.raised_at).total_seconds() // 60)
    title = _("Unacknowledged sensor alarm for %(minutes)s min at %(site)s: %(message)s") % {
        "minutes": minutes, "site": alarm.site.name, "message": alarm.text}
    for person in overseers(alarm.area_code, level):
        notify("escalate", alarm.case, recipient=person, title=title)
    return Change(alarm, "escalate")


def overseers(area_code: str, level: int) -> list:
    """Level 1: the area's supervisors (值班长); level 2: its leaders; level 3: the district's leaders."""
    from django.contrib.auth import get_user_model

    role = Role.SUPERVISOR if level == 1 else Role.LEADER
    holders = RoleAssignment.objects.filter(role=role)
    if level < 3:
        prefixes = [area_code[:n] for n in range(1, len(area_code) + 1)]
        holders = holders.filter(Q(region__isnull=True) | Q(region__code__in=prefixes))
    else:
        holders = holders.filter(region__isnull=True)
    return list(get_user_model().objects.filter(is_active=True, pk__in=holders.values("user")).order_by("pk"))
