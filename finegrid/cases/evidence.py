"""Evidence files (photos, documents) attached to a transition: type and size checked by content,
never trusted from the file name or the browser."""

import hashlib

from django.utils.translation import gettext as _

from .models import Evidence

MAX_BYTES = 10 * 1024 * 1024
# The first bytes of each accepted type (magic numbers), so a renamed executable is refused.
SIGNATURES = {
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"RIFF": "image/webp",
    b"%PDF-": "application/pdf",
}


class EvidenceError(ValueError):
    pass


def content_type_of(head: bytes) -> str | None:
    for signature, content_type in SIGNATURES.items():
        if head.startswith(signature):
            if content_type == "image/webp" and head[8:12] != b"WEBP":
                return None
            return content_type
    return None


def check_file(upload) -> str:
    """The file's real content type, or EvidenceError saying why it is refused."""
    if upload.size > MAX_BYTES:
        raise EvidenceError(_("%(name)s is larger than 10 MB") % {"name": upload.name})
    upload.seek(0)
    content_type = content_type_of(upload.read(16))
    upload.seek(0)
    if content_type is None:
        raise EvidenceError(_("%(name)s is not a JPEG, PNG or WebP photo or a PDF") % {"name": upload.name})
    return content_type


def attach(case, transition, uploads, user=None) -> list[Evidence]:
    """Store checked files for a transition (call check_file on each first)."""
    stored = []
    for upload in uploads:
        content_type = check_file(upload)
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        stored.append(Evidence.objects.create(
            case=case, transition=transition, file=upload, content_type=content_type, size=upload.size,
            sha256=digest.hexdigest(), uploaded_by=user,
        ))
    return stored
