"""Alarm → case: an alarm at or above the case level (FINEGRID_SENSING_CASE_LEVEL) opens a case
through the one entrance every channel uses (`intake.entrance.take_in`: the district's checks, the
alarm as the duplicate key), then is accepted under the category's 紧急工作时 limit for its level
and dispatched: by the responsibility matrix when it
names one unit, else to the site's responsible unit. The grid's workers are told to go there.

A red alarm at a gas, hazardous-chemical, tunnel or flood site is a 突发事件 (emergency domain);
anything else is a sensor-alarm case of its measurement."""

import logging
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import override

from finegrid.cases.actions import OPEN
from finegrid.cases.models import Case
from finegrid.cases.notices import notify
from finegrid.cases.workflow import TransitionError, perform
from finegrid.intake.entrance import take_in
from finegrid.intake.intake import TITLE_MAX, IntakeError, Submission
from finegrid.org.models import Role, RoleAssignment

from .kinds import RED
from .models import Alarm, AlarmEvent

logger = logging.getLogger("finegrid.sensing")

SENSOR_CATEGORIES = {"ch4": "A0101", "h2s": "A0102", "co": "A0102", "o2": "A0103", "water_level": "A0201"}
DEVICE_CATEGORY = "A0401"  # 设备离线 / a broken sensor: the device's owner must mend it
EMERGENCY_CATEGORIES = {"hazchem": "X0204", "gas_station": "X0205", "gas_well": "X0205", "tunnel": "X0205",
                        "flood": "X0102"}
DEVICE_RULES = frozenset({"offline", "stuck"})


class Taken(Exception):
    """Another process opened the case for this alarm first."""


def category_for(alarm: Alarm) -> str:
    if alarm.rule in DEVICE_RULES or alarm.sensor_id is None:
        return DEVICE_CATEGORY
    if alarm.severity == RED and alarm.site.kind in EMERGENCY_CATEGORIES:
        return EMERGENCY_CATEGORIES[alarm.site.kind]
    return SENSOR_CATEGORIES.get(alarm.sensor.kind, DEVICE_CATEGORY)


def open_cases(alarms: list[Alarm], now: datetime) -> list[Alarm]:
    """Opens a case for each alarm that has none; returns the alarms that got one."""
    opened = []
    for alarm in alarms:
        try:
            if case := open_case_for(alarm, now):
                alarm.case = case
                opened.append(alarm)
        except Taken:
            continue
        except IntakeError as error:  # a site the district cannot take (outside it, at 0,0): said, not a traceback
            logger.warning("alarm %s opens no case: %s", alarm.pk, error)
        except Exception:  # the alarm stands on its own; the tick tries again at its next check
            logger.exception("could not open a case for alarm %s", alarm.pk)
    return opened


def open_case_for(alarm: Alarm, now: datetime) -> Case | None:
    alarm = Alarm.objects.select_related("site__unit", "site__grid", "sensor", "device").get(pk=alarm.pk)
    if alarm.case_id:
        return None
    site = alarm.site
    if _join_open_case(alarm, now):
        return None
    with transaction.atomic():
        case = _open(alarm, now)
        if not Alarm.objects.filter(pk=alarm.pk, case__isnull=True).update(case=case):
            raise Taken  # rolls the case back
        AlarmEvent.objects.create(alarm=alarm, at=now, action="case", from_state=alarm.state, to_state=alarm.state,
                                  severity=alarm.severity, value=alarm.value, comment=case.ticket)
        _accept_and_dispatch(case, alarm, now)
        _tell_grid_workers(case, site)
    alarm.case = case
    return case


def _open(alarm: Alarm, now: datetime) -> Case:
    """The alarm's case, opened not yet accepted: the alarm's level chooses the 立案 condition."""
    site = alarm.site
    with override(settings.LANGUAGE_CODE):  # a case's title is kept as written: in the district's language
        title, description = f"{site.name}：{alarm.text}"[:TITLE_MAX], _description(alarm)
    sub = Submission(
        channel=Case.Channel.SENSOR, title=title, description=description,
        category_code=category_for(alarm), lon=site.lon, lat=site.lat, address=site.address or site.name,
        area_code=site.area_code, key=f"alarm:{alarm.pk}", reported_at=now, public_only=False, accept=False,
    )
    (result,) = take_in([sub], now=now)
    if isinstance(result, IntakeError):
        raise result  # a site outside the district: logged, and the alarm stands on its own
    if not result.created:
        raise Taken  # another process's case for this alarm (its receipt holds the key)
    return Case.objects.get(pk=result.case.pk)


def _join_open_case(alarm: Alarm, now: datetime) -> bool:
    """A second detector of the same site tripping the same rule (both tunnel detectors calling for
    the shut-off) is the same incident: the alarm joins the site's open case instead of a new one."""
    sibling = (Alarm.objects.filter(site_id=alarm.site_id, rule=alarm.rule, case__state__in=list(OPEN))
               .exclude(pk=alarm.pk).order_by("-raised_at").values_list("case_id", "case__ticket").first())
    if sibling is None:
        return False
    case_id, ticket = sibling
    with transaction.atomic():
        if Alarm.objects.filter(pk=alarm.pk, case__isnull=True).update(case_id=case_id):
            AlarmEvent.objects.create(alarm=alarm, at=now, action="case", from_state=alarm.state,
                                      to_state=alarm.state, severity=alarm.severity, value=alarm.value,
                                      comment=f"{ticket} (joined)")
    return True


def _accept_and_dispatch(case: Case, alarm: Alarm, now: datetime) -> None:
    # The catalogue lists the higher alarm level's condition (the shorter limit) first.
    condition = 1 if alarm.severity == RED else 2
    try:
        perform(case, "accept", None, data={"condition": condition}, now=now)  # dispatches when the matrix is clear
        if case.state == Case.State.ACCEPTED and alarm.site.unit_id:
            perform(case, "dispatch", None, unit=alarm.site.unit, reason=_("responsible unit of the monitored site"),
                    now=now)
    except TransitionError as error:  # e.g. no catalogue loaded: the case waits for an operator
        logger.warning("alarm %s: case %s left for an operator: %s", alarm.pk, case.ticket, error)
    if case.unit_id and alarm.site.unit_id and case.unit_id != alarm.site.unit_id:
        notify("info", case, unit=alarm.site.unit, title=_("Sensor alarm at your site %(site)s: case %(ticket)s") % {
            "site": alarm.site.name, "ticket": case.ticket})


def _tell_grid_workers(case: Case, site) -> None:
    if site.grid_id is None:
        return
    workers = RoleAssignment.objects.filter(role=Role.GRID_WORKER, grids=site.grid_id).select_related("user")
    for assignment in workers:
        notify("assigned", case, recipient=assignment.user, title=_(
            "Sensor alarm in your grid: go to %(site)s (case %(ticket)s)") % {"site": site.name, "ticket": case.ticket})


def _description(alarm: Alarm) -> str:
    site = alarm.site
    lines = [alarm.text, f"{site.get_kind_display()} · {site.code} · {alarm.device.code}"]
    if site.enterprise:
        lines.append(f"{site.enterprise} {site.contact_phone}".strip())
    return "\n".join(lines)
