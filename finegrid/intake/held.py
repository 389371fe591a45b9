"""Photos kept for a refused report: a resident whose report came back (a missing address, a phone
typed wrong) should not have to pick the photos again — a browser never fills a file input back in.

A photo that passed its checks is stored as it will be kept (cases.evidence.cleaned: re-encoded,
no metadata) under a random name in a holding folder, and the name goes into the resident's
session: only that session sees or sends it again. Sent with the next report it becomes evidence
and leaves the folder; forgotten, it is deleted after HOLD_FOR by the next refused report."""

import secrets
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from finegrid.cases.evidence import EXTENSIONS, EvidenceError, cleaned

FOLDER = "held"
HOLD_FOR = timedelta(hours=8)  # a session's life (SESSION_COOKIE_AGE): no one can send it later
SESSION_KEY = "held_photos"
MAX_HELD = 6  # intake.PHOTOS_MAX


def hold(request, uploads) -> list[str]:
    """Store the uploads that pass their checks; the new names (the session lists them too)."""
    _forget_old()
    names = []
    for upload in uploads:
        try:
            clean = cleaned(upload)
        except EvidenceError:
            continue  # the refused photo itself: the resident chooses another
        name = f"{secrets.token_hex(12)}.{EXTENSIONS[clean.content_type]}"
        names.append(default_storage.save(f"{FOLDER}/{name}", ContentFile(clean.data)).rsplit("/", 1)[-1])
    # A session holds a few reports' photos at most; the oldest names go first.
    request.session[SESSION_KEY] = [*request.session.get(SESSION_KEY, []), *names][-3 * MAX_HELD:]
    return names


def mine(request, names) -> list[str]:
    """The names among `names` this session holds (anything else is ignored, never opened)."""
    held = request.session.get(SESSION_KEY, [])
    return [name for name in dict.fromkeys(names) if name in held]


def as_uploads(names: list[str]) -> list:
    """The held photos as uploads again, for the next submission (checked again like any photo)."""
    uploads = []
    for name in names:
        path = f"{FOLDER}/{name}"
        if default_storage.exists(path):
            with default_storage.open(path, "rb") as stored:
                uploads.append(SimpleUploadedFile(name, stored.read()))
    return uploads


def release(request, names: list[str]) -> None:
    """The report was taken in: its held photos are evidence now, the copies go."""
    for name in names:
        default_storage.delete(f"{FOLDER}/{name}")
    request.session[SESSION_KEY] = [n for n in request.session.get(SESSION_KEY, []) if n not in names]


def open_held(request, name: str):
    """The held photo for this session's page, or None."""
    if name not in request.session.get(SESSION_KEY, []) or not default_storage.exists(f"{FOLDER}/{name}"):
        return None
    return default_storage.open(f"{FOLDER}/{name}", "rb")


def _forget_old() -> None:
    try:
        _dirs, files = default_storage.listdir(FOLDER)
    except FileNotFoundError:
        return
    cutoff = timezone.now() - HOLD_FOR
    for name in files:
        path = f"{FOLDER}/{name}"
        if default_storage.get_modified_time(path) < cutoff:
            default_storage.delete(path)
