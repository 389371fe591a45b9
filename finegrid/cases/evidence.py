"""Evidence files (photos, documents) attached to a transition: checked by content, never trusted
from the file name or the browser. A photo is decoded and encoded again, so what is stored is
pixels and nothing else: a file that only starts like a JPEG does not decode and is refused, and
the camera's metadata (GPS position, device serial) goes, its orientation applied to the pixels."""

import hashlib
import io
import re
import warnings
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from .models import Evidence

MAX_BYTES = 10 * 1024 * 1024  # one file
MAX_TOTAL_BYTES = 24 * 1024 * 1024  # all the files of one report or one step
# A decompression bomb is a small file of a huge picture: 40 megapixels is a phone camera's most.
MAX_PIXELS = 40_000_000
# The first bytes of each accepted type (magic numbers), so a renamed executable is refused.
SIGNATURES = {
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"RIFF": "image/webp",
    b"%PDF-": "application/pdf",
}
FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "application/pdf": "pdf"}
Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # Pillow's own bomb guard, at the same limit
# A PDF that runs something when opened is not evidence (it is served as a download either way).
PDF_ACTIONS = re.compile(rb"/(JavaScript|JS|OpenAction|Launch|EmbeddedFile|RichMedia)\b")
CLEAN = "_finegrid_clean"


class EvidenceError(ValueError):
    pass


@dataclass(frozen=True)
class Clean:
    content_type: str
    data: bytes


def content_type_of(head: bytes) -> str | None:
    for signature, content_type in SIGNATURES.items():
        if head.startswith(signature):
            if content_type == "image/webp" and head[8:12] != b"WEBP":
                return None
            return content_type
    return None


def check_file(upload) -> str:
    """The file's real content type, or EvidenceError saying why it is refused."""
    return cleaned(upload).content_type


def check_total(uploads) -> None:
    total = sum(upload.size for upload in uploads)
    if total > MAX_TOTAL_BYTES:
        raise EvidenceError(_("the files add up to more than %(mb)d MB") % {"mb": MAX_TOTAL_BYTES // 2**20})


def cleaned(upload) -> Clean:
    """The file as it will be stored (a photo re-encoded), computed once per upload."""
    found = getattr(upload, CLEAN, None)
    if found is None:
        found = _clean(upload)
        setattr(upload, CLEAN, found)
    return found


def _clean(upload) -> Clean:
    if upload.size > MAX_BYTES:
        raise EvidenceError(_("%(name)s is larger than 10 MB") % {"name": upload.name})
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    content_type = content_type_of(data[:16])
    if content_type is None:
        raise EvidenceError(_("%(name)s is not a JPEG, PNG or WebP photo or a PDF") % {"name": upload.name})
    if content_type == "application/pdf":
        if PDF_ACTIONS.search(data) or b"%%EOF" not in data[-1024:]:
            raise EvidenceError(_("%(name)s is not a plain PDF document") % {"name": upload.name})
        return Clean(content_type, data)
    return Clean(content_type, reencoded(data, FORMATS[content_type], upload.name))


def reencoded(data: bytes, fmt: str, name: str) -> bytes:
    """The picture's pixels, upright, in a new file of the same format with no metadata."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[fmt]) as image:  # reads the header only
                if image.width * image.height > MAX_PIXELS:
                    raise Image.DecompressionBombError(f"{image.width}×{image.height}")
                image.load()  # a truncated or corrupt file fails here
                return _encode(ImageOps.exif_transpose(image), fmt)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise EvidenceError(_("%(name)s has more than %(mp)d megapixels")
                            % {"name": name, "mp": MAX_PIXELS // 1_000_000}) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise EvidenceError(_("%(name)s is not a photo that can be read") % {"name": name}) from None


def _encode(image, fmt: str) -> bytes:
    out = io.BytesIO()
    if fmt == "JPEG":
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.save(out, "JPEG", quality=88, optimize=True)  # no exif=, no icc_profile=: none kept
    elif fmt == "PNG":
        if image.mode not in ("RGB", "RGBA", "L", "LA", "P", "1"):
            image = image.convert("RGBA")
        image.save(out, "PNG", optimize=True)
    else:
        image.save(out, "WEBP", quality=85)
    return out.getvalue()


def attach(case, transition, uploads, user=None) -> list[Evidence]:
    """Store checked files for a transition (call check_file on each first): the cleaned bytes."""
    return [Evidence.objects.create(case=case, transition=transition, uploaded_by=user, **stored_file(upload))
            for upload in uploads]


def stored_file(upload) -> dict:
    """What any app keeps of a checked upload: the cleaned bytes (a photo re-encoded) under a name
    made of their content and type, never the sender's file name (a person's name, a .html)."""
    clean = cleaned(upload)
    digest = hashlib.sha256(clean.data).hexdigest()
    name = f"{digest[:20]}.{EXTENSIONS[clean.content_type]}"
    return {"file": ContentFile(clean.data, name=name), "content_type": clean.content_type,
            "size": len(clean.data), "sha256": digest}


def file_response(photo: Evidence):
    """One stored file as an answer, for every page that shows evidence (the console, the resident's
    track page): a photo is shown in the page; anything else (a PDF) is only ever downloaded, and
    neither may run a script if opened on its own (a sandbox policy; no sniffing another type)."""
    from django.http import FileResponse

    from finegrid.core.csp import UPLOAD_POLICY

    inline = photo.content_type.startswith("image/")
    response = FileResponse(photo.file.open("rb"), content_type=photo.content_type, as_attachment=not inline,
                            filename=f"{photo.case.ticket}-{photo.pk}.{photo.file.name.rsplit('.', 1)[-1]}")
    response["Content-Security-Policy"] = UPLOAD_POLICY
    response["X-Content-Type-Options"] = "nosniff"
    return response
