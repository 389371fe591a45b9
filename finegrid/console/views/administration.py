"""系统管理: the administration data as spreadsheets — each kind exported with Chinese headers and
imported back with every bad row named (row number and reason), all or nothing, audited. Open
to the system administrator only (三员分立: not the security administrator, not the auditor)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from finegrid.grid.models import Grid, Region
from finegrid.org.models import Role, Unit

from finegrid.core import exports

from ..access import desk_required
from ..admin_io.registry import SHEETS
from ..admin_io.sheet import run_import


def administration_page(request, result=None, sheet=None):
    return render(request, "console/admin_home.html", {
        "sheets": SHEETS.values(), "result": result, "imported": sheet,
        "counts": {"regions": Region.objects.count(), "grids": Grid.objects.count(), "units": Unit.objects.count()},
    })


@desk_required({Role.ADMIN})
def administration(request):
    return administration_page(request)


def _sheet(name):
    if name not in SHEETS:
        raise Http404
    return SHEETS[name]


@desk_required({Role.ADMIN})
def export_sheet(request, name):
    sheet, fmt = _sheet(name), request.GET.get("format", "xlsx")
    if fmt not in exports.FORMATS:
        raise Http404
    return exports.respond(fmt, sheet.name, sheet.header(), sheet.rows())


@require_POST
@desk_required({Role.ADMIN})
def import_sheet(request, name):
    sheet = _sheet(name)
    result = run_import(sheet, request.FILES.get("file"), request.user)
    if result.ok:
        figures = ", ".join(f"{key} {value}" for key, value in result.counts.items())
        messages.success(request, _("%(sheet)s imported: %(figures)s.") % {"sheet": sheet.title, "figures": figures})
    else:
        messages.error(request, _("Nothing was imported: correct the rows below and import the file again."))
    return administration_page(request, result, sheet)
