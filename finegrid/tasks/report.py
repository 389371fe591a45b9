"""The monthly 督查通报: every key task's status by section and by lead unit, the lagging ones with
the lag and the reason their unit gave, the units ranked, and a chart — as figures the console
page renders and `finegrid report supervision --month 2026-11 --format docx|xlsx|html` writes.

Statuses are those that stood at the month's end, replayed from the tasks' histories (the running
month's are today's); the lag is measured against the planned curve at the month's end (or now)."""

from datetime import date, datetime, time

from django.core.management.base import CommandError
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import rules as R
from .engine import CLEARS_ALARM, REPORTS_PERCENT, rolled_values
from .models import KeyTask, KeyTaskTransition, Problem, ProgressReport, SupervisionOrder

T = KeyTask.State
LIVE = (T.ISSUED, T.CONFIRMED, T.ADJUSTING, T.IN_PROGRESS, T.DONE)


def month_bounds(month: str) -> tuple[datetime, datetime]:
    try:
        year, number = (int(part) for part in month.split("-"))
        first = date(year, number, 1)
    except (ValueError, TypeError):
        raise ValueError(f"not a month: {month!r}")
    after = date(year + number // 12, number % 12 + 1, 1)
    return datetime.combine(first, time(), R.ZONE), datetime.combine(after, time(), R.ZONE)


def month_figures(month: str, now: datetime | None = None) -> dict:
    start, end = month_bounds(month)
    now = now or timezone.now()
    moment = min(now, end)
    rows = standing(end if end <= now else None)
    live = [row for row in rows.values() if row["state"] in LIVE]
    roots = KeyTask.objects.in_bulk([row["pk"] for row in live if row["parent_id"] is None])
    sections = [{"task": roots[row["pk"]], **_tally([r for r in live if r["root_id"] == row["pk"]])}
                for row in sorted(live, key=_place) if row["pk"] in roots]
    return {
        "month": month, "moment": moment, "sections": sections, "units": _by_unit(live),
        "lagging": _lagging(live, moment, end), "total": _tally(live),
        "reports": ProgressReport.objects.filter(at__gte=start, at__lt=end, percent__isnull=False).count(),
        "orders": SupervisionOrder.objects.filter(issued_at__gte=start, issued_at__lt=end).count(),
        "rectification": rectification_by_unit(Problem.objects.filter(opened_at__lt=moment), moment),
    }


FIELDS = ("pk", "parent_id", "root_id", "unit_id", "unit__name", "weight", "state", "alarm", "progress", "rolled",
          "document_id", "order")


def standing(moment: datetime | None) -> dict[int, dict]:
    """Every key task's state, colour and progress as they stood at `moment` (None: now). A past
    month is replayed from the tasks' histories: the state after the last step before then, the
    colour of the last warning not since cleared by a step (签收, a report, an approved
    adjustment, a linked figure), the percent last reported, rolled up by weight as the worker does."""
    rows = {row["pk"]: row for row in KeyTask.objects.values(*FIELDS).order_by()}
    if moment is None:
        return rows
    past: dict[int, dict] = {}
    steps = (KeyTaskTransition.objects.filter(at__lt=moment).order_by("task_id", "seq")
             .values_list("task_id", "action", "to_state", "data"))
    for task_id, action, to_state, data in steps.iterator(chunk_size=5000):
        if task_id not in rows:
            continue
        row = past.setdefault(task_id, {**rows[task_id], "alarm": "", "progress": 0})
        row["state"] = to_state
        if action == "warn":
            row["alarm"] = data.get("alarm", "")
        elif action in CLEARS_ALARM:
            row["alarm"] = ""
        if action in REPORTS_PERCENT and isinstance(data.get("percent"), int):
            row["progress"] = min(100, data["percent"])
    rolled = rolled_values({pk: [r["parent_id"], r["weight"], r["state"], r["progress"]] for pk, r in past.items()})
    for pk, row in past.items():
        row["rolled"] = rolled[pk]
    return past


def _place(row) -> tuple:
    return (row["document_id"] or 0, row["order"])


def _tally(rows) -> dict:
    found = {"n": len(rows), "done": sum(r["state"] == T.DONE for r in rows),
             "red": sum(r["alarm"] == "red" and r["state"] != T.DONE for r in rows),
             "yellow": sum(r["alarm"] == "yellow" and r["state"] != T.DONE for r in rows)}
    found["green"] = found["n"] - found["done"] - found["red"] - found["yellow"]
    return found


def _by_unit(live) -> list[dict]:
    grouped: dict = {}
    for row in live:
        if row["unit_id"] is not None:
            grouped.setdefault((row["unit_id"], row["unit__name"]), []).append(row)
    units = []
    for (_pk, name), rows in grouped.items():
        tally = _tally(rows)
        on_pace = tally["n"] - tally["red"] - tally["yellow"]
        units.append({"name": name, "n": tally["n"], "done": tally["done"], "red": tally["red"],
                      "yellow": tally["yellow"], "rate": round(100 * on_pace / tally["n"], 1) if tally["n"] else None})
    units.sort(key=lambda u: (-(u["rate"] or 0), u["red"], u["name"]))
    for position, unit in enumerate(units, start=1):
        unit["rank"] = position
    return units


def _lagging(live, moment, end) -> list[dict]:
    flagged = sorted((r for r in live if r["alarm"] in ("red", "yellow") and r["state"] != T.DONE),
                     key=lambda r: (-R.RANK[r["alarm"]], _place(r)))[:200]
    tasks = KeyTask.objects.select_related("unit", "root").in_bulk([r["pk"] for r in flagged])
    reasons = {}
    for task_id, problems in (ProgressReport.objects.filter(task__in=list(tasks), at__lt=end)
                              .exclude(problems="").order_by("task_id", "at").values_list("task_id", "problems")):
        reasons[task_id] = problems  # the last one wins
    found = []
    for row in flagged:
        task = tasks[row["pk"]]
        task.alarm, task.rolled, task.state = row["alarm"], row["rolled"], row["state"]  # as they stood then
        planned = R.planned_at(R.curve_points(task.planned_start, task.planned_end, task.curve), moment)
        found.append({"task": task, "planned": round(planned), "progress": round(task.rolled),
                      "lag": round(planned - task.rolled), "reason": reasons.get(task.pk, "")})
    return found


def rectification_by_unit(problems, now) -> list[dict]:
    """整改率 = closed (销号) ÷ all items; overdue = open past their deadline, by responsible unit."""
    rows = (problems.values("unit__name").order_by("unit__name")
            .annotate(n=Count("pk"), closed=Count("pk", filter=Q(state=Problem.State.CLOSED)),
                      overdue=Count("pk", filter=~Q(state=Problem.State.CLOSED) & Q(due_at__lt=now))))
    return [{**row, "rate": round(100 * row["closed"] / row["n"], 1) if row["n"] else None} for row in rows]


def status_table(figures: dict) -> tuple[list, list]:
    header = [_("rank"), _("unit"), _("key tasks"), _("done"), _("red"), _("yellow"), _("on pace %")]
    return header, [[u["rank"], u["name"], u["n"], u["done"], u["red"], u["yellow"], u["rate"]]
                    for u in figures["units"]]


def chart(figures: dict, width: int = 520, bar: int = 16) -> dict:
    """A stacked bar per unit (green on pace, yellow, red), as SVG coordinates for the template."""
    rows, scale = figures["units"][:20], max((u["n"] for u in figures["units"]), default=1) or 1
    items = []
    for i, unit in enumerate(rows):
        green = unit["n"] - unit["red"] - unit["yellow"]
        x, parts = 180, []
        for colour, value in (("#3c9d5d", green), ("#e8b62c", unit["yellow"]), ("#d64545", unit["red"])):
            w = round((width - 200) * value / scale, 1)
            parts.append({"x": x, "w": w, "colour": colour, "value": value})
            x += w
        items.append({"label": unit["name"], "y": i * (bar + 6), "parts": parts, "n": unit["n"]})
    return {"width": width, "height": max(1, len(rows)) * (bar + 6), "bar": bar, "items": items}


# ── `finegrid report supervision` ─────────────────────────────────────────────────────────────
LANGUAGES = {"zh": "zh-hans", "zh-hans": "zh-hans", "en": "en"}


def write(command, month, kind, output, lang) -> None:
    if not month:
        raise CommandError("supervision needs --month, e.g. 2026-11")
    kind = kind or (output.rsplit(".", 1)[-1].lower() if output and "." in output else "html")
    if kind not in ("docx", "xlsx", "html"):
        raise CommandError("supervision writes docx, xlsx or html")
    if kind != "html" and not output:
        raise CommandError(f"a {kind} report needs a file: pass -o FILE.{kind}")
    with translation.override(LANGUAGES.get((lang or "zh-hans").lower(), "zh-hans")):
        try:
            figures = month_figures(month)
        except ValueError as error:
            raise CommandError(str(error))
        if kind == "html":
            page = render_to_string("tasks/report_file.html", {**figures, "chart": chart(figures)})
            if output:
                with open(output, "w", encoding="utf-8") as out:
                    out.write(page)
            else:
                command.stdout.write(page)
        elif kind == "xlsx":
            _xlsx(figures, output)
        else:
            _docx(figures, output)
    if output:
        command.stderr.write(f"wrote {output}")


def _sections_table(figures) -> tuple[list, list]:
    header = [_("section"), _("key tasks"), _("done"), _("green"), _("yellow"), _("red")]
    return header, [[f"{s['task'].number} {s['task'].title[:30]}", s["n"], s["done"], s["green"], s["yellow"], s["red"]]
                    for s in figures["sections"]]


def _lagging_table(figures) -> tuple[list, list]:
    header = [_("number"), _("task"), _("lead unit"), _("colour"), _("planned %"), _("progress %"), _("reason")]
    return header, [[r["task"].number, r["task"].title, r["task"].unit.name if r["task"].unit else "", r["task"].alarm,
                     r["planned"], r["progress"], r["reason"]] for r in figures["lagging"]]


def _xlsx(figures, output) -> None:
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference

    book = Workbook()
    book.remove(book.active)
    for title, (header, rows) in ((_("Sections"), _sections_table(figures)), (_("Units"), status_table(figures)),
                                  (_("Lagging"), _lagging_table(figures))):
        sheet = book.create_sheet(title[:31])
        sheet.append(header)
        for row in rows:
            sheet.append(row)
    units = book[_("Units")[:31]]
    if units.max_row > 1:
        bars = BarChart()
        bars.type, bars.grouping, bars.overlap, bars.title = "bar", "stacked", 100, _("Key tasks by lead unit")
        bars.add_data(Reference(units, min_col=5, max_col=6, min_row=1, max_row=units.max_row), titles_from_data=True)
        bars.set_categories(Reference(units, min_col=2, min_row=2, max_row=units.max_row))
        units.add_chart(bars, "I2")
    book.save(output)


def _docx(figures, output) -> None:
    from docx import Document

    doc = Document()
    doc.add_heading(_("Supervision bulletin (督查通报) %(month)s") % {"month": figures["month"]}, 0)
    total = figures["total"]
    doc.add_paragraph(_("%(n)s key tasks: %(done)s done, %(green)s on pace, %(yellow)s yellow, %(red)s red; "
                        "%(reports)s progress reports this month, %(orders)s 督办单 issued.") % {
        **total, "reports": figures["reports"], "orders": figures["orders"]})
    for heading, (header, rows) in ((_("By section"), _sections_table(figures)),
                                    (_("Units ranked"), status_table(figures)),
                                    (_("Lagging tasks"), _lagging_table(figures))):
        doc.add_heading(heading, 1)
        table = doc.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, header):
            cell.text = str(text)
        for row in rows:
            for cell, value in zip(table.add_row().cells, row):
                cell.text = "" if value is None else str(value)
    doc.add_heading(_("Key tasks by lead unit"), 1)
    _text_chart(doc, figures)
    doc.save(output)


def _text_chart(doc, figures, width: int = 40) -> None:
    """The units' stacked bars as coloured block characters: a chart Word shows and prints with
    no image library (green on pace, yellow, red)."""
    from docx.shared import Pt, RGBColor

    scale = max((u["n"] for u in figures["units"]), default=1) or 1
    for unit in figures["units"][:20]:
        line = doc.add_paragraph()
        line.add_run(f"{unit['name'][:12]:　<12}").font.size = Pt(9)
        green = unit["n"] - unit["red"] - unit["yellow"]
        for colour, value in (("3C9D5D", green), ("E8B62C", unit["yellow"]), ("D64545", unit["red"])):
            run = line.add_run("█" * round(width * value / scale))
            run.font.color.rgb = RGBColor.from_string(colour)
        line.add_run(f" {unit['n']}").font.size = Pt(9)
