"""A reporter's phone: sealed when the reporter asked to stay anonymous (匿名/保密), masked for
whoever does not call reporters back, and every whole number shown written to the audit log.

匿名 hides the reporter from the people handling the case, it does not destroy the number: the
hotline's call-back (回访) and its satisfaction survey (满意率) need it. So an anonymous report's
phone is kept encrypted (Fernet: AES-CBC with an HMAC) in `reporter_phone_sealed`, and its
`reporter_phone` column holds only the masked form, which is what every other reader gets."""

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from finegrid.core.models import audit
from finegrid.org.models import Role
from finegrid.org.privacy import mask_phone

# Who reads a named reporter's number whole: the desks that ring reporters back (the operators
# who took the call and the dispatchers, 先行联系; the call-back desk, 回访). An anonymous
# reporter's number only the call-back desk reads.
WHOLE_ROLES = frozenset({Role.OPERATOR, Role.DISPATCHER, Role.CALLBACK})
SEALED_ROLES = frozenset({Role.CALLBACK})
_fernets: dict = {}


def _fernet() -> Fernet:
    """The key is derived from the settings' secret (HKDF with a label of its own), so no second
    secret has to be kept; changing the secret key makes the sealed phones unreadable."""
    secret = settings.FINEGRID_PHONE_KEY or settings.SECRET_KEY
    if secret not in _fernets:
        hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"finegrid reporter phone")
        _fernets[secret] = Fernet(base64.urlsafe_b64encode(hkdf.derive(secret.encode())))
    return _fernets[secret]


def seal(phone: str) -> str:
    return _fernet().encrypt(phone.encode()).decode() if phone else ""


def unseal(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        return ""  # sealed under another secret key: unreadable, and said so by an empty number


def stored(phone: str, anonymous: bool) -> tuple[str, str]:
    """(reporter_phone, reporter_phone_sealed) as a new case keeps them."""
    if anonymous and phone and "*" not in phone:
        return mask_phone(phone), seal(phone)
    return phone, ""


def whole(case) -> str:
    """The number as the reporter gave it (for a check, not for a page: see `shown`)."""
    return unseal(case.reporter_phone_sealed) if case.reporter_phone_sealed else case.reporter_phone


def readable(viewer, case) -> bool:
    if case.anonymous or case.reporter_phone_sealed:
        return bool(viewer.roles & SEALED_ROLES)
    return bool(viewer.roles & WHOLE_ROLES)


def shown(viewer, cases: list) -> dict:
    """{case pk: the phone this viewer sees}; the whole ones in one audit entry naming the cases."""
    ledger = Ledger(viewer)
    found = {case.pk: ledger.show(case) for case in cases}
    ledger.flush()
    return found


class Ledger:
    """Shows phones one case at a time and writes who saw whose whole number, a batch per entry
    (an export of 10,000 rows is a handful of entries, not 10,000)."""

    BATCH = 500

    def __init__(self, viewer, what: str = "page"):
        self.viewer, self.what, self.tickets = viewer, what, []

    def show(self, case) -> str:
        if not case.reporter_phone or not readable(self.viewer, case):
            return mask_phone(case.reporter_phone)
        self.tickets.append(case.ticket)
        if len(self.tickets) >= self.BATCH:
            self.flush()
        return whole(case)

    def flush(self) -> None:
        if self.tickets:
            audit("case.phone_read", ",".join(self.tickets[:3]) + ("…" if len(self.tickets) > 3 else ""),
                  actor=self.viewer.user, tickets=self.tickets, seen_in=self.what)
            self.tickets = []
