"""The chain's limits as versioned rule data, and how a period of N 日 is counted.

信访工作条例 (2022) says 日 for every limit of the chain, so they are calendar days: the holidays
inside a period count. A period is counted as the civil code counts one (民法典 第二百零一条: the
day it starts is not counted, it runs from the next day; 第二百零三条: a last day that is a 法定
休假日 — weekends included — moves to the day after the holiday, and the period ends at the end
of its last day). The 江苏省信访条例's own text on a deadline that falls on a holiday could not be
found here (searched: 江苏省信访条例 期间 节假日 顺延), so this is a rule setting
(`LimitRule.roll_over_holidays`) with the general rule as its default."""

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from .models import LimitRule

DEFAULT_FILE = Path(__file__).resolve().parent / "data" / "rules.json"
LOCAL = ZoneInfo("Asia/Shanghai")
LIMITS = ("transfer", "accept", "handle", "extend", "review_window", "review", "recheck_window", "recheck")


@dataclass(frozen=True)
class Rule:
    version: int
    days: dict
    roll_over_holidays: bool


def default_rule() -> Rule:
    raw = json.loads(DEFAULT_FILE.read_text(encoding="utf-8"))
    return Rule(raw["version"], raw["days"], raw["roll_over_holidays"])


def rule_in_force(on: date | None = None) -> Rule:
    """The newest stored version valid on `on`, else the shipped default."""
    rows = LimitRule.objects.all()
    if on:
        rows = rows.filter(valid_from__lte=on)
    row = rows.order_by("-version").first()
    return Rule(row.version, row.days, row.roll_over_holidays) if row else default_rule()


def rule_of(version: int) -> Rule:
    row = LimitRule.objects.filter(version=version).first()
    return Rule(row.version, row.days, row.roll_over_holidays) if row else default_rule()


def revise(days: dict, roll_over_holidays: bool, valid_from: date, source: str = "", *, by=None,
           now: datetime | None = None) -> LimitRule:
    """Writes the next version; every limit must be a positive whole number of days, and a version
    takes effect no earlier than the one before it (a rule is not changed backwards)."""
    if set(days) != set(LIMITS) or any(not isinstance(v, int) or isinstance(v, bool) or v <= 0 for v in days.values()):
        raise ValueError(_("a rule gives each of %(limits)s as a positive whole number of days")
                         % {"limits": ", ".join(LIMITS)})
    last = LimitRule.objects.order_by("-version").first()
    if last is not None and valid_from < last.valid_from:
        raise ValueError(_("valid_from: not before %(date)s, when version %(version)s began")
                         % {"date": last.valid_from.isoformat(), "version": last.version})
    number = last.version if last else default_rule().version
    return LimitRule.objects.create(version=number + 1, valid_from=valid_from, days=days,
                                    roll_over_holidays=roll_over_holidays, source=source[:200], set_by=by,
                                    set_at=now or datetime.now(UTC))


def versions() -> list[dict]:
    """Every version, newest first, the shipped default last (version 1 unless a stored one replaced it)."""
    rows = [{"version": r.version, "valid_from": r.valid_from, "days": r.days, "roll_over_holidays": r.roll_over_holidays,
             "source": r.source, "set_by": r.set_by, "set_at": r.set_at, "shipped": False}
            for r in LimitRule.objects.select_related("set_by").order_by("-version")]
    shipped = json.loads(DEFAULT_FILE.read_text(encoding="utf-8"))
    if all(row["version"] != shipped["version"] for row in rows):
        rows.append({"version": shipped["version"], "valid_from": None, "days": shipped["days"],
                     "roll_over_holidays": shipped["roll_over_holidays"], "source": shipped.get("source", ""),
                     "set_by": None, "set_at": None, "shipped": True})
    return rows


def local_day(moment: datetime) -> date:
    return moment.astimezone(LOCAL).date()


def last_day(start: datetime, days: int, rule: Rule, calendar) -> date:
    """The last day of a period of `days` 日 from `start`: the start's day does not count."""
    day = local_day(start) + timedelta(days=days)
    while rule.roll_over_holidays and not calendar.is_working_day(day):
        day += timedelta(days=1)
    return day


def period_end(start: datetime, days: int, rule: Rule, calendar) -> datetime:
    """The moment the period ends: midnight (Shanghai) after its last day, in UTC."""
    after = last_day(start, days, rule, calendar) + timedelta(days=1)
    return datetime.combine(after, time(0), LOCAL).astimezone(UTC)
