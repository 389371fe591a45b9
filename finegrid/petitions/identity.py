"""A petitioner's identity: the resident ID number's check (GB 11643-1999, ISO 7064 MOD 11-2),
the hash keys the linking looks people up by, and the number's encryption at rest.

The number is stored only encrypted (Fernet: AES-128-CBC with an HMAC) under a key derived from
the deployment's SECRET_KEY, so a copy of the database alone does not give the numbers away;
lookups go through a keyed hash (HMAC-SHA256) of the normalised value, never the value itself."""

import base64
import hashlib
import hmac
import re
from datetime import date

from django.conf import settings
from django.utils.translation import gettext as _

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"  # the check character for a weighted sum ≡ 0, 1, … 10 (mod 11)
RESIDENT_ID = re.compile(r"^\d{17}[\dX]$")
NOT_DIGIT = re.compile(r"\D+")
SPACE = re.compile(r"[\s\u3000·,，。.\-]+")


def id_problem(number: str) -> str | None:
    """Why `number` is no 18-digit resident ID number, or None when it is one."""
    value = normal_id(number)
    if not RESIDENT_ID.match(value):
        return _("an 18-character number: 17 digits and a digit or X")
    try:
        date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return _("its birth date (characters 7–14) is no date")
    if check_char(value[:17]) != value[17]:
        return _("its check character is wrong")
    return None


def check_char(first17: str) -> str:
    return CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, WEIGHTS)) % 11]


def normal_id(number: str) -> str:
    return (number or "").strip().upper()


def normal_phone(phone: str) -> str:
    digits = NOT_DIGIT.sub("", phone or "")
    return digits[-11:] if len(digits) > 11 and digits.startswith("86") else digits


def normal_text(text: str) -> str:
    return SPACE.sub("", text or "").lower()


def key_of(kind: str, value: str) -> str:
    """The keyed hash a person is looked up by; "" for an empty value (nobody matches nobody)."""
    if not value:
        return ""
    secret = hashlib.sha256(b"finegrid-person-key:" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(secret, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()[:32]


def person_keys(id_number: str = "", phone: str = "", name: str = "", address: str = "") -> dict[str, str]:
    """The keys of one person: by 证件 number, by phone, by name and address together."""
    both = f"{normal_text(name)}|{normal_text(address)}" if name and address else ""
    keys = {"id": key_of("id", normal_id(id_number)), "phone": key_of("phone", normal_phone(phone)),
            "name_address": key_of("na", both)}
    return {kind: key for kind, key in keys.items() if key}


def _fernet():
    from cryptography.fernet import Fernet

    raw = hashlib.sha256(b"finegrid-identity-key:" + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(raw))


def seal(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode() if value else ""


def unseal(token: str) -> str:
    return _fernet().decrypt(token.encode()).decode() if token else ""
