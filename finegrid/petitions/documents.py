"""The chain's documents (受理告知书, 不予受理告知书, 答复意见书, 复查意见书, 复核意见书, …):
written from a template when the step is taken and kept on its transition row, so the row is the
record of what was sent; exported as .docx from that row, the same text every time."""

import io
from datetime import timedelta

from django.template.loader import render_to_string

from .models import Petition
from .rules import local_day

TITLES = {
    "routed": "信访事项处理告知书",
    "accepted": "信访事项受理告知书",
    "declined": "信访事项不予受理告知书",
    "answered": "信访事项处理意见书",
    "reviewed": "信访事项复查意见书",
    "rechecked": "信访事项复核意见书",
    "not_again": "信访事项不再受理告知书",
}
CODES = {"routed": "FL", "accepted": "SL", "declined": "BSL", "answered": "DF", "reviewed": "FC", "rechecked": "FH",
         "not_again": "BZSL"}


def recorded(kind: str):
    """An Action `record`: the document this step sends, written into its transition row."""
    def record(obj, step, ctx, changes) -> dict:
        return {"document": compose(kind, obj, step, changes)}
    return record


def compose(kind: str, obj, step, changes: dict) -> dict:
    merged = {field: changes.get(field, getattr(obj, field, None)) for field in (
        "due_at", "handle_due_at", "window_ends", "kind")}
    context = {
        "petition": obj, "name": "" if obj.anonymous or not obj.petitioner_id else obj.petitioner.name,
        "date": local_day(step.now), "reason": step.reason, "data": step.data,
        "unit": step.unit or obj.unit,
        "handle_by": _last(merged["handle_due_at"]), "window_by": _last(merged["window_ends"]),
        "window_days": _window_days(kind, obj),
        "kind_label": Petition.Kind(merged["kind"]).label if merged["kind"] else "",
    }
    text = render_to_string(f"petitions/documents/{kind}.txt", context).strip()
    return {"kind": kind, "title": TITLES[kind], "number": f"{obj.number}-{CODES[kind]}", "text": text}


def _last(end):
    """The last day of a period that ends at `end` (the midnight after it)."""
    return local_day(end) - timedelta(days=1) if end else None


def _window_days(kind: str, obj) -> int:
    from .rules import rule_of

    days = rule_of(obj.rule_version).days
    return days["review_window"] if kind == "answered" else days["recheck_window"]


def as_docx(document: dict) -> bytes:
    """The document as a Word file: its title, its number, then its text paragraph by paragraph."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    word = Document()
    title = word.add_heading(document["title"], level=1)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    number = word.add_paragraph(document["number"])
    number.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for paragraph in document["text"].split("\n\n"):
        word.add_paragraph(paragraph.strip())
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()
