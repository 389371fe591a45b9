"""Entering a year's official holiday notice into the database calendar (never guessed).

The first import also copies the shipped 2025–2026 calendar into the database, so that the
database calendar, once it exists, is complete for every year it claims to cover."""

import csv
from datetime import date
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from finegrid.core.models import audit

from .calendar import DEFAULT_CSV
from .models import CalendarDay, CalendarYear


class CalendarFileError(ValueError):
    pass


def read_rows(path: Path) -> list[tuple[date, str, str]]:
    """Rows of (date, holiday|workday, name); every bad line is named in one error."""
    rows, problems = [], []
    with open(path, encoding="utf-8-sig", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            try:
                day = date.fromisoformat((row.get("date") or "").strip())
            except ValueError:
                problems.append(_("line %(line)s: %(value)r is not a date like 2027-01-01") % {"line": line, "value": row.get("date")})
                continue
            kind = (row.get("kind") or "").strip()
            if kind not in CalendarDay.Kind.values:
                problems.append(_("line %(line)s: kind must be holiday or workday") % {"line": line})
                continue
            rows.append((day, kind, (row.get("name") or "").strip()[:32]))
    if problems:
        raise CalendarFileError("\n".join(problems))
    return rows


def import_calendar(path: Path, source: str = "", actor=None) -> dict:
    rows = read_rows(path)
    years = sorted({day.year for day, _kind, _name in rows})
    with transaction.atomic():
        if not CalendarYear.objects.exists() and Path(path).resolve() != Path(DEFAULT_CSV).resolve():
            import_calendar(Path(DEFAULT_CSV), source="official notices shipped with finegrid")
        for day, kind, name in rows:
            CalendarDay.objects.update_or_create(date=day, defaults={"kind": kind, "name": name})
        for year in years:
            CalendarYear.objects.update_or_create(year=year, defaults={"source": source or str(path)})
        audit("calendar.import", ",".join(map(str, years)), actor, days=len(rows))
    return {"days": len(rows), "years": years}
