"""The rules in force and the planned curve: pure functions the daily plan, the pages and the
benchmark share. Rules are rows (`RuleSet`), read once and kept until a row changes."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models.signals import post_delete, post_save
from django.utils.dateparse import parse_date, parse_datetime

ZONE = ZoneInfo("Asia/Shanghai")
RANK = {"": 0, "yellow": 1, "red": 2}


@dataclass(frozen=True)
class Rules:
    valid_from: datetime | None = None
    yellow_lag: int = 10
    red_lag: int = 30
    red_missed: int = 3
    report_day: int = 25
    confirm_days: int = 3
    response_days: int = 3
    urgent_days: int = 5
    normal_days: int = 15
    difficult_days: int = 30

    def instruction_days(self, urgency: str) -> int:
        return {"urgent": self.urgent_days, "difficult": self.difficult_days}.get(urgency, self.normal_days)


DEFAULT = Rules()
_loaded: list | None = None  # every RuleSet, newest first


def rules_at(moment: datetime) -> Rules:
    """The rules in force at `moment`: the newest row valid from then or before, else the defaults."""
    global _loaded
    if _loaded is None:
        from .models import RuleSet

        fields = [f for f in Rules.__dataclass_fields__]
        _loaded = [Rules(**dict(zip(fields, row))) for row in RuleSet.objects.order_by("-valid_from")
                   .values_list(*fields)]
    return next((rules for rules in _loaded if rules.valid_from <= moment), DEFAULT)


def forget(**_) -> None:
    global _loaded
    _loaded = None


def connect() -> None:
    from .models import RuleSet

    post_save.connect(forget, sender=RuleSet, dispatch_uid="tasks-rules-saved")
    post_delete.connect(forget, sender=RuleSet, dispatch_uid="tasks-rules-deleted")


# ── the planned curve ─────────────────────────────────────────────────────────────────────────


def end_of_day(text: str) -> datetime:
    """A date ("2026-06-30") as the end of that working day in the district's time; a full instant passes."""
    moment = parse_datetime(text) if "T" in text else None
    if moment:
        return moment
    day = parse_date(text.strip())
    if day is None:
        raise ValueError(f"not a date: {text!r}")
    return datetime.combine(day, time(18), ZONE)


def curve_points(start: datetime | None, end: datetime | None, curve: list) -> list[tuple[datetime, float]]:
    """(instant, planned percent) from the start (0 %) through each milestone to the deadline (100 %)."""
    points = [(parse_datetime(at), float(percent)) for at, percent in curve]
    if start is not None:
        points.insert(0, (start, 0.0))
    if end is not None and (not points or points[-1][1] < 100):
        points.append((end, 100.0))
    return sorted(points)


def planned_at(points: list, now: datetime) -> float:
    """The planned percent at `now`, linear between the points (0 before the first)."""
    if not points or now < points[0][0]:
        return 0.0
    for (a, pa), (b, pb) in zip(points, points[1:]):
        if now < b:
            span = (b - a).total_seconds()
            return pa + (pb - pa) * ((now - a).total_seconds() / span if span > 0 else 1)
    return points[-1][1]


def missed_in_a_row(curve: list, progress: float, now: datetime) -> int:
    """The milestones passed and still not reached, counted back from the latest: planned
    percents only rise, so those above the progress are the last ones, in a row."""
    passed = [float(percent) for at, percent in curve if parse_datetime(at) <= now]
    count = 0
    for percent in reversed(passed):
        if progress >= percent:
            break
        count += 1
    return count


def colour(lag: float, missed: int, rules: Rules, overdue: bool = False) -> str:
    """Red: past the final deadline and not done (`overdue`), more than `red_lag` points behind,
    or `red_missed` milestones missed in a row; yellow: `yellow_lag` points or more behind, or one
    milestone missed. A task at 78 % five months after its deadline is red, however close it is."""
    if overdue or lag > rules.red_lag or missed >= rules.red_missed:
        return "red"
    if lag >= rules.yellow_lag or missed:
        return "yellow"
    return ""


def month_of(moment: datetime) -> str:
    return f"{moment.astimezone(ZONE):%Y-%m}"


def report_due(moment: datetime, rules: Rules) -> datetime:
    """The end of this month's report day in local time."""
    local = moment.astimezone(ZONE)
    return datetime.combine(local.date().replace(day=min(rules.report_day, 28)), time(23, 59), ZONE)


def next_morning(moment: datetime) -> datetime:
    """The next local 06:00: the daily 督办 pass looks at every running task once a day."""
    local = moment.astimezone(ZONE)
    return datetime.combine(local.date() + timedelta(days=1), time(6), ZONE)
