"""`finegrid report hot-issues --month 2026-10 --format html|xlsx|json [-o FILE]` (the `report`
command itself belongs to the cases app; it hands this name over here)."""

import json

from django.core.management.base import CommandError
from django.utils import translation

from finegrid.insight.report import as_json, month_report, render_html, write_xlsx

LANGUAGES = {"zh": "zh-hans", "zh-hans": "zh-hans", "en": "en"}


def hot_issues(command, month: str | None, kind: str | None, output: str | None, lang: str) -> None:
    if not month:
        raise CommandError("hot-issues needs --month, e.g. --month 2026-10")
    kind = kind or (output.rsplit(".", 1)[-1].lower() if output and "." in output else "html")
    if kind not in ("html", "xlsx", "json"):
        raise CommandError(f"hot-issues is written as html, xlsx or json, not {kind}")
    if kind == "xlsx" and not output:
        raise CommandError("an xlsx report needs a file: pass -o FILE.xlsx")
    language = LANGUAGES.get((lang or "zh-hans").lower())
    if language is None:
        raise CommandError(f"unknown language {lang!r}: use zh-hans or en")
    try:
        report = month_report(month)
    except ValueError as error:
        raise CommandError(str(error))
    with translation.override(language):
        if kind == "xlsx":
            return write_xlsx(report, output)
        text = render_html(report) if kind == "html" else json.dumps(as_json(report), ensure_ascii=False, default=str)
    if output:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(text)
    else:
        command.stdout.write(text)
