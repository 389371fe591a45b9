"""The chain's documents (受理告知书, 不予受理告知书, 答复意见书, 复查意见书, 复核意见书, …):
written from a template when the step is taken and kept on its transition row, so the row is the
record of what was sent; exported as .docx from that row, the same text every time."""

import io
import zipfile
from xml.sax.saxutils import escape
from datetime import timedelta

from django.template.loader import render_to_string
from django.utils import translation

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
    # An official document is Chinese whoever takes the step: a worker or a command runs in English,
    # and the channel once read "以Visit (来访)方式" in a 受理告知书 written by the demo's seeding.
    with translation.override("zh-hans"):
        return _compose(kind, obj, step, changes)


def _compose(kind: str, obj, step, changes: dict) -> dict:
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
    """The document as a Word file (WordprocessingML, ECMA-376): its title centred, its number on
    the right, then its text paragraph by paragraph. Three XML parts in a zip are all a .docx
    needs; python-docx would bring lxml, which changes how openpyxl writes every xlsx."""
    paragraphs = [_paragraph(document["title"], "center", bold=True, size=36),
                  _paragraph(document["number"], "right"),
                  *(_paragraph(text.strip()) for text in document["text"].split("\n\n"))]
    body = f'<w:document xmlns:w="{W}"><w:body>{"".join(paragraphs)}<w:sectPr/></w:body></w:document>'
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", CONTENT_TYPES)
        package.writestr("_rels/.rels", RELATIONSHIPS)
        package.writestr("word/document.xml", XML_HEAD + body)
    return out.getvalue()


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
CONTENT_TYPES = XML_HEAD + (
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
RELATIONSHIPS = XML_HEAD + (
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="word/document.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/></Relationships>')


def _paragraph(text: str, align: str = "", bold: bool = False, size: int = 0) -> str:
    style = f'<w:jc w:val="{align}"/>' if align else ""
    run = ("<w:b/>" if bold else "") + (f'<w:sz w:val="{size}"/>' if size else "")
    lines = [f'<w:t xml:space="preserve">{escape(line)}</w:t>' for line in text.split("\n")]
    return f'<w:p><w:pPr>{style}</w:pPr><w:r><w:rPr>{run}</w:rPr>{"<w:br/>".join(lines)}</w:r></w:p>'


def docx_text(data: bytes) -> list[str]:
    """The paragraphs of a .docx, as a reader sees them (for checks and tests)."""
    from xml.etree import ElementTree

    with zipfile.ZipFile(io.BytesIO(data)) as package:
        root = ElementTree.fromstring(package.read("word/document.xml"))
    return ["".join(node.text or "" for node in p.iter(f"{{{W}}}t")) for p in root.iter(f"{{{W}}}p")]
