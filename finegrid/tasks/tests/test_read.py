"""Reports arrive as .txt (UTF-8 or GB18030), .docx or .pdf; a damaged or encrypted file is refused."""

import pytest
from django.utils import translation

from finegrid.tasks.decompose import ReportError, decompose_file, read_report


@pytest.fixture(autouse=True)
def english():
    """The messages are asserted in their English msgids, whatever the catalogue installed."""
    with translation.override("en"):
        yield


TEXT = "一、聚焦产业强区\n一是加快滨江智造产业园建设。二是新增城镇就业4500人。\n二、聚焦民生改善\n（一）年底前消除大班额。"


def test_text_in_utf8_and_in_gb18030(tmp_path):
    (tmp_path / "a.txt").write_text(TEXT, "utf-8")
    (tmp_path / "b.txt").write_bytes(TEXT.encode("gb18030"))
    assert read_report(tmp_path / "a.txt") == read_report(tmp_path / "b.txt") == TEXT


def test_a_word_document(tmp_path):
    import docx

    document = docx.Document()
    for line in TEXT.split("\n"):
        document.add_paragraph(line)
    document.save(tmp_path / "report.docx")
    assert read_report(tmp_path / "report.docx") == TEXT
    outline = decompose_file(tmp_path / "report.docx", year=2026)
    assert [n.number for n in outline.nodes] == ["一", "二"]


def _pdf(path, lines, password=None):
    from pypdf import PdfWriter
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))  # a built-in CJK font: no font file needed
    page = canvas.Canvas(str(path))
    page.setFont("STSong-Light", 11)
    for index, line in enumerate(lines):
        page.drawString(40, 800 - 16 * index, line)
    page.save()
    if password:
        writer = PdfWriter(clone_from=str(path))
        writer.encrypt(password, algorithm="RC4-128")
        writer.write(str(path))


def test_a_pdf(tmp_path):
    _pdf(tmp_path / "report.pdf", TEXT.split("\n"))
    text = read_report(tmp_path / "report.pdf")
    assert "新增城镇就业4500人" in text
    outline = decompose_file(tmp_path / "report.pdf", year=2026)
    assert [n.number for n in outline.nodes] == ["一", "二"]
    assert outline.nodes[0].children[1].targets[0].value == 4500


def test_an_encrypted_pdf_is_refused(tmp_path):
    _pdf(tmp_path / "locked.pdf", TEXT.split("\n"), password="secret")
    with pytest.raises(ReportError, match="encrypted"):
        read_report(tmp_path / "locked.pdf")


@pytest.mark.parametrize("name,data", [
    ("broken.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage"),
    ("broken.docx", b"PK\x03\x04 this is not really a zip"),
    ("fake.docx", b"just some text, not a document"),
])
def test_a_damaged_file_is_refused(tmp_path, name, data):
    (tmp_path / name).write_bytes(data)
    with pytest.raises(ReportError):
        read_report(tmp_path / name)


def test_other_kinds_missing_files_and_empty_files_are_refused(tmp_path):
    (tmp_path / "report.odt").write_bytes(b"x")
    (tmp_path / "empty.txt").write_text("  \n", "utf-8")
    for path in (tmp_path / "report.odt", tmp_path / "missing.txt", tmp_path / "empty.txt"):
        with pytest.raises(ReportError):
            read_report(path)
