"""Units (单位): departments, street and community offices, property owners; by code."""

from django.utils.translation import gettext_lazy as _

from finegrid.grid.models import Region
from finegrid.org.models import Unit

from .sheet import (
    Column,
    RowError,
    Sheet,
    choice,
    optional,
    required,
    yes_no,
    yes_no_text,
)

C = {c.name: c for c in (
    Column("code", _("Unit code"), True), Column("name", _("Name"), True), Column("short_name", _("Short name")),
    Column("kind", _("Kind"), True), Column("parent", _("Parent unit code")), Column("region", _("Area code")),
    Column("phone", _("Duty phone")), Column("active", _("Active")),
)}


class UnitSheet(Sheet):
    name = "units"
    title = _("Units")
    columns = tuple(C.values())

    def rows(self):
        for u in Unit.objects.select_related("parent", "region").order_by("code"):
            yield [u.code, u.name, u.short_name, u.get_kind_display(), u.parent.code if u.parent else "",
                   u.region.code if u.region else "", u.phone, yes_no_text(u.active)]

    def context(self) -> dict:
        return {"units": set(Unit.objects.values_list("code", flat=True)), "in_file": set(),
                "regions": dict(Region.objects.values_list("code", "pk"))}

    def check(self, row, context):
        code = required(row, "code", C["code"].title, 32)
        if code in context["in_file"]:
            raise RowError(_("unit %(code)s appears twice in the file") % {"code": code})
        context["in_file"].add(code)
        parent, region = row.get("parent", ""), row.get("region", "")
        if parent and (parent == code or parent not in context["units"] | context["in_file"]):
            raise RowError(_("no unit has the code %(code)s") % {"code": parent})
        if region and region not in context["regions"]:
            raise RowError(_("no area has the code %(code)s") % {"code": region})
        return {"code": code, "name": required(row, "name", C["name"].title, 64),
                "short_name": optional(row, "short_name", C["short_name"].title, 32),
                "kind": choice(row, "kind", C["kind"].title, Unit.Kind.choices),
                "region_id": context["regions"].get(region), "phone": optional(row, "phone", C["phone"].title, 32),
                "active": yes_no(row, "active", C["active"].title), "parent": parent}

    def write(self, records, actor) -> dict:
        created = updated = 0
        for record in records:
            fields = {k: v for k, v in record.items() if k not in ("code", "parent")}
            _unit, made = Unit.objects.update_or_create(code=record["code"], defaults=fields)
            created, updated = created + made, updated + (not made)
        by_code = dict(Unit.objects.values_list("code", "pk"))  # parents may be units of this file
        for record in records:
            Unit.objects.filter(code=record["code"]).update(parent_id=by_code.get(record["parent"]))
        return {"created": created, "updated": updated}
