"""The work calendar (工作日历): official holidays and adjusted working days, by date."""

from datetime import date
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from finegrid.cases.calendar import DEFAULT_CSV
from finegrid.cases.calendar_import import import_calendar
from finegrid.cases.models import CalendarDay, CalendarYear

from .sheet import Column, RowError, Sheet, choice, optional, required

C = {c.name: c for c in (Column("date", _("Date"), True), Column("kind", _("Kind"), True), Column("name", _("Name")))}


class CalendarSheet(Sheet):
    name = "calendar"
    title = _("Work calendar")
    columns = tuple(C.values())

    def rows(self):
        for day in CalendarDay.objects.order_by("date"):
            yield [day.date.isoformat(), day.get_kind_display(), day.name]

    def context(self) -> dict:
        return {"in_file": set()}

    def check(self, row, context):
        text = required(row, "date", C["date"].title)
        try:
            day = date.fromisoformat(text[:10])
        except ValueError:
            raise RowError(_("%(value)s is not a date like 2027-01-01") % {"value": text})
        if day in context["in_file"]:
            raise RowError(_("%(day)s appears twice in the file") % {"day": day})
        context["in_file"].add(day)
        return {"date": day, "kind": choice(row, "kind", C["kind"].title, CalendarDay.Kind.choices),
                "name": optional(row, "name", C["name"].title, 32)}

    def write(self, records, actor) -> dict:
        if not CalendarYear.objects.exists():  # as the CLI import: the shipped years first, so none is half known
            import_calendar(Path(DEFAULT_CSV), source="official notices shipped with finegrid")
        for r in records:
            CalendarDay.objects.update_or_create(date=r["date"], defaults={"kind": r["kind"], "name": r["name"]})
        years = sorted({r["date"].year for r in records})
        for year in years:
            CalendarYear.objects.update_or_create(year=year, defaults={"source": f"console import by {actor}"})
        return {"days": len(records), "years": ",".join(map(str, years))}
