"""The responsibility matrix (责任矩阵): category × area → unit; a row is added or updated by
(category, area, unit)."""

from django.utils.translation import gettext_lazy as _

from finegrid.cases.models import Category
from finegrid.grid.models import Region
from finegrid.org.models import Responsibility, Unit

from .sheet import Column, RowError, Sheet, optional, required, yes_no, yes_no_text

C = {c.name: c for c in (
    Column("category_code", _("Category code"), True), Column("region", _("Area code"), True),
    Column("unit", _("Unit code"), True), Column("primary", _("Primary")), Column("note", _("Note")),
)}


class MatrixSheet(Sheet):
    name = "matrix"
    title = _("Responsibility matrix")
    columns = tuple(C.values())

    def rows(self):
        for r in Responsibility.objects.select_related("region", "unit").order_by("category_code", "region__code"):
            yield [r.category_code, r.region.code, r.unit.code, yes_no_text(r.primary), r.note]

    def context(self) -> dict:
        return {"categories": set(Category.objects.values_list("code", flat=True)),
                "regions": dict(Region.objects.values_list("code", "pk")),
                "units": dict(Unit.objects.values_list("code", "pk")), "in_file": set()}

    def check(self, row, context):
        category = required(row, "category_code", C["category_code"].title, 32)
        region, unit = required(row, "region", C["region"].title), required(row, "unit", C["unit"].title)
        if category not in context["categories"]:
            raise RowError(_("no category has the code %(code)s") % {"code": category})
        if region not in context["regions"]:
            raise RowError(_("no area has the code %(code)s") % {"code": region})
        if unit not in context["units"]:
            raise RowError(_("no unit has the code %(code)s") % {"code": unit})
        key = (category, region, unit)
        if key in context["in_file"]:
            raise RowError(_("this category, area and unit appear twice in the file"))
        context["in_file"].add(key)
        return {"category_code": category, "region_id": context["regions"][region], "unit_id": context["units"][unit],
                "primary": yes_no(row, "primary", C["primary"].title), "note": optional(row, "note", C["note"].title, 200)}

    def write(self, records, actor) -> dict:
        created = updated = 0
        for r in records:
            _row, made = Responsibility.objects.update_or_create(
                category_code=r["category_code"], region_id=r["region_id"], unit_id=r["unit_id"],
                defaults={"primary": r["primary"], "note": r["note"]})
            created, updated = created + made, updated + (not made)
        return {"created": created, "updated": updated}
