"""Grids' attributes (网格): name, kind, households, population. Boundaries are not spreadsheet
data: they come and go as GeoJSON (`finegrid import-grids`, `finegrid export-grids`), so a row
may only describe a grid that exists."""

from django.utils.translation import gettext_lazy as _

from finegrid.grid.models import Grid

from .sheet import Column, RowError, Sheet, choice, required

C = {c.name: c for c in (
    Column("code", _("Grid code"), True), Column("name", _("Name"), True), Column("kind", _("Kind")),
    Column("households", _("Households")), Column("population", _("Population")),
)}


class GridSheet(Sheet):
    name = "grids"
    title = _("Grids")
    columns = tuple(C.values())

    def rows(self):
        for g in Grid.objects.order_by("code").only("code", "name", "kind", "households", "population"):
            yield [g.code, g.name, g.get_kind_display(), g.households, g.population]

    def context(self) -> dict:
        return {"grids": set(Grid.objects.values_list("code", flat=True)), "in_file": set()}

    def check(self, row, context):
        code = required(row, "code", C["code"].title)
        if code not in context["grids"]:
            raise RowError(_("no grid has the code %(code)s: new grids come with their boundary, "
                             "as GeoJSON (finegrid import-grids)") % {"code": code})
        if code in context["in_file"]:
            raise RowError(_("grid %(code)s appears twice in the file") % {"code": code})
        context["in_file"].add(code)
        return {"code": code, "name": required(row, "name", C["name"].title, 64),
                "kind": choice(row, "kind", C["kind"].title, Grid.Kind.choices, default=Grid.Kind.GENERAL),
                "households": _count(row, "households"), "population": _count(row, "population")}

    def write(self, records, actor) -> dict:
        for r in records:
            Grid.objects.filter(code=r["code"]).update(name=r["name"], kind=r["kind"], households=r["households"],
                                                       population=r["population"])
        return {"updated": len(records)}


def _count(row, name) -> int:
    value = row.get(name, "") or "0"
    if not (value.isascii() and value.isdigit()):
        raise RowError(_("%(column)s must be a whole number, not %(value)s") % {"column": C[name].title, "value": value})
    return int(value)
