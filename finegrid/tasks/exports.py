"""The task lists as xlsx or CSV downloads (the same rows the page shows, unpaged). The console's
own export helper sits above the apps (console/exports.py), so an app writes its files here."""

import csv
import io

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook

FORMATS = ("csv", "xlsx")


def respond(fmt: str, name: str, header: list, rows) -> HttpResponse:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "csv":
        out = io.StringIO()
        out.write("\ufeff")  # Excel opens the Chinese text as UTF-8
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows([plain(v) for v in row] for row in rows)
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(workbook(header, rows),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.{fmt}"'
    return response


def workbook(header, rows) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append([str(h) for h in header])
    for row in rows:
        sheet.append([plain(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def plain(value):
    if value is None or isinstance(value, int | float | str):
        # A cell that starts like a formula is written as text (CSV injection).
        return "'" + value if isinstance(value, str) and value[:1] in ("=", "+", "-", "@") else value
    return str(value)
