"""Uploaded evidence (issue 14, item 3): a file is what it decodes to, not what its first bytes
claim; a photo is stored re-encoded without its metadata; a report's files have a total size;
anything but a photo is served as a download, and nothing uploaded may run a script."""

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from finegrid.cases.evidence import MAX_TOTAL_BYTES, EvidenceError, check_file, check_total, cleaned
from finegrid.cases.workflow import perform

from .factories import image_bytes
from .test_api import TUESDAY, _open


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):  # the refusals are matched by their English words
        yield


def upload(data: bytes, name="p.jpg"):
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def _png_header(width: int, height: int) -> bytes:
    """A PNG that claims a huge picture: the signature and an IHDR chunk, a few bytes of data."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = lambda kind, body: struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


@pytest.mark.parametrize("data,words", [
    (b"\xff\xd8\xff\xe0" + b"<html><script>alert(1)</script></html>", "can be read"),  # a JPEG header, then HTML
    (_png_header(30000, 30000), "megapixels"),  # a decompression bomb's header
    (b"%PDF-1.7\n1 0 obj<</Type/Catalog/OpenAction<</S/JavaScript/JS(app.alert(1))>>>>endobj\n%%EOF", "plain PDF"),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "can be read"),  # a PNG signature and nothing else
])
def test_a_file_that_only_starts_like_a_photo_is_refused(data, words):
    with pytest.raises(EvidenceError, match=words):
        check_file(upload(data))


def test_a_photo_is_stored_re_encoded_upright_and_without_its_metadata():
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to view
    exif[0x8825] = {2: (32.0, 24.0, 0.0)}  # GPS latitude: where the reporter stood
    exif[0x010F] = "CameraMaker"
    photo = cleaned(upload(image_bytes("JPEG", size=(40, 20), exif=exif.tobytes())))
    with Image.open(io.BytesIO(photo.data)) as stored:
        assert stored.size == (20, 40)  # the orientation applied to the pixels
        assert not stored.getexif() and "icc_profile" not in stored.info
    assert b"CameraMaker" not in photo.data and photo.content_type == "image/jpeg"


def test_a_plain_pdf_is_kept_as_it_is():
    pdf = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    assert cleaned(upload(pdf, "plan.pdf")).data == pdf


def test_a_reports_files_have_a_total_size():
    part = MAX_TOTAL_BYTES // 3 + 1
    with pytest.raises(EvidenceError, match="add up"):
        check_total([upload(b"x" * part) for _ in range(3)])
    check_total([upload(b"x" * part) for _ in range(2)])


@pytest.fixture
def stored(world, settings, tmp_path):
    """A case handled with a photo and a PDF as its evidence."""
    settings.MEDIA_ROOT = tmp_path
    case = _open(when=TUESDAY)
    perform(case, "accept", world["operator"], now=TUESDAY)
    perform(case, "dispatch", world["dispatcher"], unit=world["cgj"], now=TUESDAY)
    pdf = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n%%EOF\n"
    transition = perform(case, "report_done", world["handler_cgj"],
                         evidence=[upload(image_bytes(), "<b>me</b>.html"), upload(pdf, "report.pdf")])
    return case, list(transition.evidence.order_by("pk"))


def test_a_photo_is_shown_inline_in_a_sandbox_and_a_document_only_downloaded(client, world, stored):
    case, (photo, pdf) = stored
    assert photo.file.name.endswith(".png") and "html" not in photo.file.name
    client.force_login(world["operator"])
    shown = client.get(f"/console/cases/{case.ticket}/photos/{photo.pk}/")
    assert shown["Content-Type"] == "image/png" and "attachment" not in shown.get("Content-Disposition", "")
    downloaded = client.get(f"/console/cases/{case.ticket}/photos/{pdf.pk}/")
    assert downloaded["Content-Type"] == "application/pdf"
    assert downloaded["Content-Disposition"].startswith("attachment")
    for response in (shown, downloaded):
        assert "sandbox" in response["Content-Security-Policy"]
        assert response["X-Content-Type-Options"] == "nosniff"
