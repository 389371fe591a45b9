"""The agreement's files, stored with the step that recorded them (the machine's `attach`): the
cleaned bytes the case engine keeps of any upload (cases.evidence.stored_file)."""

from finegrid.cases.evidence import stored_file

from .models import AgreementFile


def attach(dispute, transition, uploads, user=None) -> list[AgreementFile]:
    return [AgreementFile.objects.create(dispute=dispute, transition=transition, uploaded_by=user, **stored_file(upload))
            for upload in uploads]
