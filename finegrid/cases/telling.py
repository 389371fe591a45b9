"""Whom each stored case transition tells what: the `notices` of the case actions. The worker's
notice step calls these on rows already committed, so the case is read as it stands then; each
returns `notices.Draft`s, one per recipient."""

from django.utils import timezone
from django.utils.translation import gettext as _

from .notices import Draft


def assigned(row, case) -> list[Draft]:
    """派遣, 改派, reopening: the unit the case now lies with."""
    if not row.unit_id:
        return []
    return [Draft("assigned", _("New case %(ticket)s: %(title)s") % {"ticket": case.ticket, "title": case.title},
                  unit_id=row.unit_id)]


def supervised(row, case) -> list[Draft]:
    """督办: the unit the case lies with, with the supervisor's words."""
    if not row.unit_id:
        return []
    return [Draft("supervise", _("Supervision notice (督办) on %(ticket)s") % {"ticket": case.ticket},
                  body=row.reason, unit_id=row.unit_id)]


def closed(row, case) -> list[Draft]:
    """合并: the reporters of merged duplicates hear the master's outcome."""
    duplicates = case.duplicates.filter(reporter__isnull=False).only("ticket", "reporter_id")
    return [Draft("info", _("Your report %(ticket)s was handled together with %(master)s, which is now closed") % {
        "ticket": duplicate.ticket, "master": case.ticket}, recipient_id=duplicate.reporter_id, about=duplicate)
        for duplicate in duplicates]


def warned(row, case) -> list[Draft]:
    """临期 or 超期: the unit the case lies with."""
    alarm = row.data.get("alarm")
    if not row.unit_id or alarm not in ("yellow", "red"):
        return []
    template = _("Due soon (临期): %(ticket)s %(title)s") if alarm == "yellow" else _(
        "Overdue (超期): %(ticket)s %(title)s")
    return [Draft(alarm, template % {"ticket": case.ticket, "title": case.title}, body=due_line(case),
                  unit_id=row.unit_id)]


def escalated(row, case) -> list[Draft]:
    """Level 1: the area's supervisors; level 2: its leaders and the leader in charge (包案)."""
    from .supervision import overseers

    level = row.data.get("level", 1)
    title = _("Escalated to you (level %(level)s): %(ticket)s %(title)s") % {
        "level": level, "ticket": case.ticket, "title": case.title}
    return [Draft("escalate", title, body=due_line(case), recipient_id=person.pk) for person in overseers(case, level)]


def due_line(case) -> str:
    if case.due_at is None:
        return ""
    return _("Due at %(due)s (Beijing time), with %(unit)s.") % {
        "due": timezone.localtime(case.due_at).strftime("%Y-%m-%d %H:%M"),
        "unit": case.unit.name if case.unit_id else _("no unit yet")}
