"""What every channel hands in: the one submission shape, its cleaning and the error that names
each bad field. Cases are opened from submissions by `entrance.take_in`, the one entrance."""

import math
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext as _

from finegrid.cases import channels
from finegrid.cases.evidence import EvidenceError, check_file, check_total
from finegrid.grid import coords
from finegrid.cases.models import Case

from .models import Receipt

TITLE_MAX = 200
DESCRIPTION_MAX = 5000  # a report is a few sentences; 10 MB of text is refused, not stored
ADDRESS_MAX = 200
NAME_MAX = 64
KEY_MAX = 128
PHOTOS_MAX = 6
URGENCIES = ("", "2h", "24h", "7d", "15d")
PHONE = re.compile(r"^\+?[0-9][0-9 \-]{4,24}$")
# Control characters other than tab and newline: PostgreSQL refuses NUL, and none belongs in a report.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class IntakeError(ValueError):
    """A submission refused; `problems` maps each field to what is wrong with it, in words."""

    def __init__(self, problems: dict[str, str]):
        self.problems = problems
        super().__init__("; ".join(f"{name}: {text}" for name, text in problems.items()))


@dataclass
class Submission:
    """What a channel knows about a problem. `category_code` is the channel's own category."""

    channel: str
    title: str = ""
    description: str = ""
    category_code: str = ""
    lon: float | None = None
    lat: float | None = None
    coords: str = ""  # the system lon/lat are in when the channel declared one (gcj02 from 高德); stored as WGS-84
    address: str = ""
    area_code: str = ""
    reporter_name: str = ""
    reporter_phone: str = ""
    reporter: object = None
    anonymous: bool = False
    urgency: str = ""
    key: str = ""  # external id (hotline 工单编号) or idempotency key; empty = no duplicate check
    answers: dict = field(default_factory=dict)
    media_urls: list = field(default_factory=list)
    photos: list = field(default_factory=list)  # uploaded files, checked by content
    api_key: object = None
    actor: object = None
    reported_at: datetime | None = None
    public_only: bool = True  # residents and apps choose among the public catalogue only
    accept: bool = True  # 立案 at once when the category allows; False: an operator or the channel does it
    token: str = ""  # the receipt's token when the channel gave one already (the Open311 queue)
    problems: dict = field(default_factory=dict)  # what the channel found wrong itself (an unreadable call time)


@dataclass
class Intake:
    case: Case
    receipt: Receipt
    created: bool  # False: a replay of a submission already taken in


def intake(sub: Submission, *, now=None) -> Intake:
    """Take one submission in (a batch of one of `entrance.take_in`), or raise IntakeError."""
    from .entrance import intake as one

    return one(sub, now=now)


# ── validation ────────────────────────────────────────────────────────────────────────────────


def text(value, limit: int | None = None) -> str:
    """Text as stored: control characters dropped, blanks trimmed. HTML stays as typed (escaped on output)."""
    value = CONTROL.sub("", str(value or "")).strip()
    return value[:limit] if limit else value


def clean(sub: Submission) -> None:
    """Normalise the submission in place; raise IntakeError with every problem found."""
    problems = dict(sub.problems)
    if sub.channel not in channels.known():  # the engine's own and those the apps declare
        problems["channel"] = _("unknown channel %(channel)s") % {"channel": sub.channel}
    if len(str(sub.description or "")) > DESCRIPTION_MAX:
        problems["description"] = _("the description is longer than %(n)d characters") % {"n": DESCRIPTION_MAX}
    sub.description = text(sub.description)
    sub.title = text(sub.title) or _title_of(sub.description)
    if not sub.title:
        problems["description"] = problems.get("description") or _("say what the problem is")
    elif len(sub.title) > TITLE_MAX:
        problems["title"] = _("the title is longer than %(n)d characters") % {"n": TITLE_MAX}
    for name, limit in (("address", ADDRESS_MAX), ("reporter_name", NAME_MAX), ("key", KEY_MAX)):
        value = text(getattr(sub, name))
        if len(value) > limit:
            problems[name] = _("longer than %(n)d characters") % {"n": limit}
        setattr(sub, name, value)
    sub.category_code = text(sub.category_code, 16)
    sub.area_code = text(sub.area_code)
    if sub.area_code and not re.fullmatch(r"\d{6,18}", sub.area_code):
        problems["area_code"] = _("an area code is 6 to 18 digits")
    sub.reporter_phone = text(sub.reporter_phone)
    if sub.reporter_phone and not PHONE.match(sub.reporter_phone):
        problems["phone"] = _("a phone number is digits, with + - or spaces between them")
    if sub.urgency not in URGENCIES:
        problems["urgency"] = _("urgency is one of 2h, 24h, 7d, 15d")
    if len(sub.photos) > PHOTOS_MAX:
        problems["photos"] = _("at most %(n)d photos") % {"n": PHOTOS_MAX}
    else:
        _check_photos(sub.photos, problems)
    _check_point(sub, problems)
    if problems:
        raise IntakeError(problems)


def _title_of(description: str) -> str:
    first = description.splitlines()[0] if description else ""
    return first[:40]


def _check_photos(photos, problems: dict) -> None:
    try:
        check_total(photos)
    except EvidenceError as error:
        problems["photos"] = str(error)
        return
    for photo in photos:
        try:
            check_file(photo)
        except EvidenceError as error:
            problems["photos"] = str(error)
            return


def _check_point(sub: Submission, problems: dict) -> None:
    if isinstance(sub.lon, bool) or isinstance(sub.lat, bool):  # float(False) is 0.0: a JSON false is no degree
        problems["location"] = _("longitude and latitude are numbers in degrees")
        return
    try:
        lon = None if sub.lon in (None, "") else float(sub.lon)
        lat = None if sub.lat in (None, "") else float(sub.lat)
    except (TypeError, ValueError):
        problems["location"] = _("longitude and latitude are numbers in degrees")
        return
    if (lon is None) != (lat is None):
        problems["location"] = _("give both longitude and latitude, or neither")
    elif lon is not None and not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
        problems["location"] = _("longitude is -180 to 180 and latitude -90 to 90 degrees")
    if lon is not None and "location" not in problems:
        lon, lat = _in_wgs84(sub, lon, lat, problems)
    sub.lon, sub.lat = lon, lat
    if lon is None and not sub.address and not sub.area_code and "location" not in problems:
        problems["location"] = _("mark the place on the map or give an address")


def _in_wgs84(sub: Submission, lon: float, lat: float, problems: dict) -> tuple[float, float]:
    """A point the channel declared in GCJ-02 or BD-09, converted once: the submission then says
    WGS-84, so a second clean (the queue's worker) does not shift it again."""
    try:
        system = coords.system_of(sub.coords)
    except ValueError:
        problems["coords"] = _("coordinates are wgs84, gcj02 or bd09, not %(name)s") % {"name": sub.coords[:20]}
        return lon, lat
    sub.coords = ""
    return coords.to_wgs84(lon, lat, system)


def new_token() -> str:
    return secrets.token_hex(8)
