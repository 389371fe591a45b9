"""The case lists of every desk: the API's filters read from the page's query string, one page
of rows, and the same rows unpaged for the exports."""

from django.utils import timezone
from pydantic import ValidationError

from finegrid.cases import listing
from finegrid.cases.listing import CaseFilters
from finegrid.cases.models import Case
from finegrid.cases.phones import Ledger

from finegrid.core import exports


PAGE_SIZE = 50
LIST_FIELDS = ("state", "category", "unit", "area", "channel", "alarm", "overdue", "reported_from",
               "reported_to", "q")


def filters_from(query) -> tuple[CaseFilters, str]:
    """The filters a page asked for, and an error message when some could not be read."""
    raw = {name: query.getlist(name) if name == "state" else query.get(name) for name in LIST_FIELDS}
    raw = {name: value for name, value in raw.items() if value not in (None, "", [])}
    try:
        return CaseFilters(**raw, page_size=PAGE_SIZE), ""
    except ValidationError as error:
        fields = ", ".join(str(e["loc"][0]) for e in error.errors())
        return CaseFilters(page_size=PAGE_SIZE), fields


def filtered(cases, filters: CaseFilters):
    return listing.filtered(cases, filters, timezone.now())


def page_of(cases, page: int) -> tuple[list, bool]:
    """One page, newest report first (the primary key follows the report order and is indexed),
    and whether there is a next page — no COUNT over a million rows."""
    offset = (max(page, 1) - 1) * PAGE_SIZE
    rows = list(cases.select_related("category", "unit").order_by("-pk")[offset:offset + PAGE_SIZE + 1])
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def export(fmt: str, cases, viewer, name: str = "cases"):
    from django.utils.translation import gettext as _

    header = [_("Ticket"), _("Title"), _("State"), _("Category"), _("Unit"), _("Area code"), _("Address"),
              _("Channel"), _("Reported at"), _("Due at"), _("Deadline alarm"), _("Reporter"), _("Phone")]
    rows = cases.select_related("category", "unit").order_by("-pk").iterator(chunk_size=2000)
    return exports.respond(fmt, name, header, _lines(rows, Ledger(viewer, f"export {name}.{fmt}")))


def _lines(rows, ledger):
    """The export's rows; the whole phones in it are audited as they go out, a batch per entry.
    The choices' labels are translated once per export: `get_FOO_display()` hashes every lazy
    label of the field's choices on each call, most of the export's time (5 of 12 s at 3,000 rows)."""
    state, channel, alarm = (_labels(name) for name in ("state", "channel", "alarm"))
    for c in rows:
        yield [c.ticket, c.title, state.get(c.state, c.state), c.category.name if c.category else "",
               c.unit.name if c.unit else "", c.area_code, c.address, channel.get(c.channel, c.channel),
               c.reported_at, c.due_at, alarm.get(c.alarm, "") if c.alarm else "",
               "" if c.anonymous else c.reporter_name, ledger.show(c)]
    ledger.flush()


def _labels(field: str) -> dict:
    return {value: str(label) for value, label in Case._meta.get_field(field).flatchoices}
