"""A work report's text from the file an office has: .txt, .docx or .pdf.

A file that cannot be read — corrupt, encrypted, of another kind, or with no text layer — is
refused with a ReportError that says why; nothing is guessed from a damaged file."""

import zipfile
from pathlib import Path

from django.utils.translation import gettext as _

TEXT_ENCODINGS = ("utf-8-sig", "gb18030")  # GB18030 is a superset of GBK and GB2312


class ReportError(ValueError):
    """The report cannot be read; the message says why, for the person who gave the file."""


def read_report(path) -> str:
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.is_file():
        raise ReportError(_("There is no file %(path)s.") % {"path": path})
    readers = {".txt": _read_text, ".docx": _read_docx, ".pdf": _read_pdf}
    if suffix not in readers:
        raise ReportError(_("%(name)s is not a .txt, .docx or .pdf file.") % {"name": path.name})
    text = _normalise(readers[suffix](path))
    if not text.strip():
        raise ReportError(_("%(name)s holds no text (a scanned PDF needs text recognition first).") % {"name": path.name})
    return text


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    for encoding in TEXT_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ReportError(_("%(name)s is neither UTF-8 nor GB18030 text.") % {"name": path.name})


def _read_docx(path: Path) -> str:
    import docx  # python-docx; imported here so the decomposer loads without it
    from docx.opc.exceptions import PackageNotFoundError

    if not zipfile.is_zipfile(path):
        raise ReportError(_("%(name)s is damaged or encrypted: a .docx file must be a Word document.") % {"name": path.name})
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, zipfile.BadZipFile, ValueError) as error:
        raise ReportError(_("%(name)s is damaged: %(error)s") % {"name": path.name, "error": error}) from error
    return "\n".join(_docx_paragraphs(document))


def _docx_paragraphs(document):
    """Body paragraphs in order, then table cells row by row (a 任务分解表 pasted into the report)."""
    for paragraph in document.paragraphs:
        yield paragraph.text
    for table in document.tables:
        for row in table.rows:
            yield "　".join(cell.text for cell in row.cells)


def _read_pdf(path: Path) -> str:
    import pypdf
    from pypdf.errors import PdfReadError

    try:
        reader = pypdf.PdfReader(str(path))
        if reader.is_encrypted and not _opens_without_password(reader):
            raise ReportError(_("%(name)s is encrypted: save it again without a password.") % {"name": path.name})
        return "\n".join(page.extract_text() or "" for page in reader.pages)
    except ReportError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as error:
        raise ReportError(_("%(name)s is damaged: %(error)s") % {"name": path.name, "error": error}) from error


def _opens_without_password(reader) -> bool:
    """A PDF with only an owner password (no printing, no copying) still opens to read."""
    from pypdf.errors import DependencyError

    try:
        return bool(reader.decrypt(""))
    except (DependencyError, NotImplementedError):
        return False


def _normalise(text: str) -> str:
    """One newline convention, so offsets mean the same whatever the file's origin."""
    return text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
