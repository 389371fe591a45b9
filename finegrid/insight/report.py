"""The monthly hot-issues report (每月一题 candidates, hotspots, emerging terms, weekly trend):
`finegrid report hot-issues --month 2026-10 --format html|xlsx`.

`month_report` gathers the figures once; the HTML writer draws its charts as inline SVG on the
server (no script, no library), the xlsx writer as native Excel charts through openpyxl."""

from dataclasses import asdict, dataclass
from datetime import date, timedelta

from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .labelling import load_rows
from .trends import emerging_terms, hot_issues, hotspots, month_bounds, week_of, weekly_counts
from .words import use_gazetteer, words

TREND_WEEKS = 12
TERM_MONTHS_BEFORE = 3


@dataclass
class MonthReport:
    month: str
    appeals: int
    issues: list
    spots: list
    terms: list
    weeks: list[date]
    series: dict[str, list[int]]


def month_report(month: str) -> MonthReport:
    start, end = month_bounds(month)
    history_start = min(start - timedelta(days=31 * 6), week_of(end) - timedelta(weeks=TREND_WEEKS + 8))
    rows = load_rows(history_start, end)
    this = [r for r in rows if r.at.date() >= start]
    before_start = start - timedelta(days=31 * TERM_MONTHS_BEFORE)
    before = [r for r in rows if before_start <= r.at.date() < start]
    use_gazetteer(_place_names())
    spots = [spot for monday in _mondays(start, end) for spot in hotspots(rows, monday)]
    trend_start = week_of(end - timedelta(days=1)) - timedelta(weeks=TREND_WEEKS - 1)
    top_topics = [topic for topic, _ in _top_topics(this, 5)]
    series = weekly_counts(rows, trend_start, end, top_topics)
    return MonthReport(
        month=month, appeals=len(this), issues=hot_issues(rows, month),
        spots=sorted(spots, key=lambda s: s.p_value)[:20],
        terms=emerging_terms([words(r.text) for r in this], [words(r.text) for r in before]),
        weeks=[trend_start + timedelta(weeks=n) for n in range(len(next(iter(series.values()), [])))],
        series=series,
    )


def _place_names() -> list[str]:
    from finegrid.grid.models import Place

    return [name for name, aliases in Place.objects.values_list("name", "aliases") for name in [name, *aliases]
            if len(name) >= 2]


def _mondays(start: date, end: date) -> list[date]:
    monday = week_of(start)
    return [monday + timedelta(weeks=n) for n in range(6) if monday + timedelta(weeks=n) < end]


def _top_topics(rows, n: int):
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.topic] = counts.get(row.topic, 0) + 1
    return sorted(counts.items(), key=lambda item: -item[1])[:n]


# ---------------------------------------------------------------- HTML with inline SVG charts

COLOURS = ["#c0392b", "#2471a3", "#229954", "#b9770e", "#7d3c98"]


def bar_chart(labels: list[str], values: list[int], width: int = 640) -> SafeString:
    """Horizontal bars, one per label; every text goes through format_html (escaped)."""
    top = max(values, default=0) or 1
    row, left = 26, 200
    bars = format_html_join("", (
        '<text x="{}" y="{}" text-anchor="end" font-size="13">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="18" fill="#2471a3"/>'
        '<text x="{}" y="{}" font-size="12">{}</text>'
    ), ((left - 6, i * row + 14, label, left, i * row, round((width - left - 60) * v / top),
         left + round((width - left - 60) * v / top) + 4, i * row + 14, v) for i, (label, v) in enumerate(zip(labels, values))))
    return format_html('<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{}" role="img">{}</svg>',
                       width, max(len(values), 1) * row, bars)


def line_chart(weeks: list[date], series: dict[str, list[int]], width: int = 640, height: int = 240) -> SafeString:
    top = max((v for values in series.values() for v in values), default=0) or 1
    step = (width - 60) / max(len(weeks) - 1, 1)

    def points(values):
        return " ".join(f"{40 + i * step:.0f},{height - 30 - (height - 50) * v / top:.0f}" for i, v in enumerate(values))

    lines = format_html_join("", '<polyline fill="none" stroke="{}" stroke-width="2" points="{}"/>'
                             '<text x="{}" y="{}" font-size="12" fill="{}">{}</text>',
                             ((COLOURS[i % 5], points(values), width - 150, 14 + 16 * i, COLOURS[i % 5], topic)
                              for i, (topic, values) in enumerate(series.items())))
    ticks = format_html_join("", '<text x="{}" y="{}" font-size="10" text-anchor="middle">{}</text>',
                             ((40 + i * step, height - 10, f"{w:%m-%d}") for i, w in enumerate(weeks) if i % 2 == 0))
    return format_html('<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{}" role="img">{}{}</svg>',
                       width, height, lines, ticks)


def render_body(report: MonthReport) -> str:
    """The report's headings, charts and tables: the console page's content, and the document's."""
    labels = [f"{i.topic}·{i.subtopic}" if i.subtopic else i.topic for i in report.issues]
    return render_to_string("insight/_hot_issues_body.html", {
        "report": report,
        "issues_chart": bar_chart(labels, [i.count for i in report.issues]),
        "trend_chart": line_chart(report.weeks, report.series),
    })


def render_html(report: MonthReport) -> str:
    """The report as a document of its own (`finegrid report hot-issues --format html`)."""
    return render_to_string("insight/hot_issues.html", {"report": report, "body": mark_safe(render_body(report))})


# ---------------------------------------------------------------- xlsx with native charts

def write_xlsx(report: MonthReport, path) -> None:
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, LineChart, Reference

    book = Workbook()
    sheet = book.active
    sheet.title = _("Hot issues")
    sheet.append([_("Topic"), _("Second level"), _("Appeals"), _("Months recurring"), _("Units involved"),
                  _("Streets involved"), _("Hot-issue score")])
    for issue in report.issues:
        sheet.append([issue.topic, issue.subtopic, issue.count, issue.months_recurring, issue.units, issue.streets,
                      issue.score])
    if report.issues:
        chart = BarChart()
        chart.type, chart.title = "bar", _("Hot issues of %(month)s") % {"month": report.month}
        chart.add_data(Reference(sheet, min_col=3, min_row=1, max_row=len(report.issues) + 1), titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=len(report.issues) + 1))
        sheet.add_chart(chart, "I2")
    _trend_sheet(book, report, LineChart, Reference)
    _table(book, _("Hotspots"), [_("Grid"), _("Topic"), _("Week"), _("Appeals"), _("Baseline"), _("p-value")],
           [[s.grid_code, s.topic, s.week, s.count, s.baseline, s.p_value] for s in report.spots])
    _table(book, _("Emerging terms"), [_("Term"), _("Appeals"), _("Before"), _("Ratio"), _("G²")],
           [[t.term, t.count, t.before, t.ratio, t.g2] for t in report.terms])
    book.save(path)


def _trend_sheet(book, report: MonthReport, LineChart, Reference) -> None:
    sheet = book.create_sheet(_("Weekly trend"))
    sheet.append([_("Week"), *report.series])
    for i, week in enumerate(report.weeks):
        sheet.append([week, *(values[i] for values in report.series.values())])
    if report.series and report.weeks:
        chart = LineChart()
        chart.title = _("Appeals per week")
        chart.add_data(Reference(sheet, min_col=2, max_col=len(report.series) + 1, min_row=1,
                                 max_row=len(report.weeks) + 1), titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=len(report.weeks) + 1))
        sheet.add_chart(chart, "H2")


def _table(book, title: str, header: list[str], rows: list[list]) -> None:
    sheet = book.create_sheet(title)
    sheet.append(header)
    for row in rows:
        sheet.append(row)


def as_json(report: MonthReport) -> dict:
    data = asdict(report)
    data["weeks"] = [w.isoformat() for w in report.weeks]
    return data
