"""The agreement's files, stored with the step that recorded them (the machine's `attach`)."""

import hashlib

from finegrid.cases.evidence import check_file

from .models import AgreementFile


def attach(dispute, transition, uploads, user=None) -> list[AgreementFile]:
    stored = []
    for upload in uploads:
        content_type = check_file(upload)
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        stored.append(AgreementFile.objects.create(
            dispute=dispute, transition=transition, file=upload, content_type=content_type, size=upload.size,
            sha256=digest.hexdigest(), uploaded_by=user))
    return stored
