"""Hotline batch import (12345 工单): a spreadsheet's rows through the same rules as `intake`,
batch by batch — one vectorised location, one read of the catalogue — and written with bulk
inserts (`cases.bulk.open_many`). Good rows go in; each bad row goes to the error report with its
row number and the reason. The work-order number is the duplicate check, so importing the same
file twice opens nothing new."""

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from finegrid.cases.bulk import Report, open_many
from finegrid.cases.bulk_insert import insert
from finegrid.cases.models import Case, Category
from finegrid.grid.locate import current_index

from .classify import classify_many
from .intake import IntakeError, Submission, clean, new_token
from .matrix import Matrix
from .models import Receipt
from .sheets import as_text, rows_of
from .where import gazetteer

COLUMNS_FILE = Path(__file__).resolve().parent / "data" / "hotline_columns.json"
BATCH = 2000
URGENCY_WORDS = {"特急": "2h", "紧急": "24h", "一般": "7d", "复杂": "15d", "2h": "2h", "24h": "24h", "7d": "7d", "15d": "15d"}
CHANNEL = Case.Channel.HOTLINE
NO_ANSWERS, NO_MEDIA = {}, []  # one object each, so the row writer encodes them once per batch


@dataclass
class Outcome:
    created: int = 0
    duplicates: int = 0
    errors: list = field(default_factory=list)  # (row number, reason)


def column_map(path=None) -> dict[str, list[str]]:
    raw = json.loads(Path(path or COLUMNS_FILE).read_text(encoding="utf-8"))
    return {name: headers for name, headers in raw.items() if not name.startswith("_")}


def import_file(path, *, columns=None, progress: Callable | None = None, now=None) -> Outcome:
    """Import every row of a .csv or .xlsx hotline export; `progress(n)` is told of each batch."""
    now = now or timezone.now()
    rows = rows_of(path)
    outcome = Outcome()
    header = _header(rows, outcome)
    if header is None:
        return outcome
    fields = _fields(header, columns or column_map())
    missing = {"description"} - set(fields)
    if missing:
        outcome.errors.append((1, _("the header has no column for %(field)s") % {"field": ", ".join(sorted(missing))}))
        return outcome
    context = _Context()
    for batch in _batches(rows, fields, outcome):
        _import_batch(batch, context, outcome, now)
        if progress:
            progress(len(batch))
    return outcome


def _header(rows: Iterator, outcome: Outcome):
    for number, values in rows:
        cells = [as_text(v) for v in values]
        if any(cells):
            return cells
    outcome.errors.append((1, _("the file has no header row")))
    return None


def _fields(header: list[str], columns: dict) -> dict[str, int]:
    """Field name → column index, by the first configured header present."""
    positions = {text: i for i, text in reversed(list(enumerate(header)))}
    found = {}
    for name, headers in columns.items():
        for text in headers:
            if text in positions:
                found[name] = positions[text]
                break
    return found


@dataclass
class Row:
    number: int
    submission: Submission


def _batches(rows: Iterable, fields: dict, outcome: Outcome) -> Iterator[list[Row]]:
    batch = []
    for number, values in rows:
        cells = {name: as_text(values[i]) if i < len(values) else "" for name, i in fields.items()}
        if not any(cells.values()):
            continue  # a blank line between blocks
        try:
            batch.append(Row(number, _submission(cells)))
        except IntakeError as error:
            outcome.errors.append((number, str(error)))
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _submission(cells: dict) -> Submission:
    sub = Submission(
        channel=CHANNEL, title=cells.get("title", ""), description=cells.get("description", ""),
        category_code=cells.get("category", ""), lon=cells.get("lon") or None, lat=cells.get("lat") or None,
        address=cells.get("address", ""), reporter_name=cells.get("reporter_name", ""),
        reporter_phone=cells.get("reporter_phone", ""), urgency=URGENCY_WORDS.get(cells.get("urgency", ""), ""),
        key=cells.get("key", ""), public_only=False,
    )
    problems = {}
    if cells.get("urgency") and not sub.urgency:
        problems["urgency"] = _("unknown urgency %(value)s") % {"value": cells["urgency"]}
    sub.reported_at = _moment(cells.get("reported_at", ""), problems)
    if not sub.address and sub.lon is None:
        sub.address = sub.description[:200]  # a caller names the place in the words of the appeal
    try:
        clean(sub)
    except IntakeError as error:
        problems.update(error.problems)
    if problems:
        raise IntakeError(problems)
    if not sub.key:  # no work-order number: the row's own content is its identity
        sub.key = "row:" + hashlib.sha256(json.dumps(cells, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:40]
    return sub


# The exports' usual shapes (2026-11-01 08:05[:00], 2026/11/01 …), read without strptime, which
# consults the C locale on every call and was a tenth of an import's time.
USUAL_MOMENT = re.compile(r"(\d{4})([-/])(\d{1,2})\2(\d{1,2})(?: (\d{1,2}):(\d{1,2})(?::(\d{1,2}))?)?")


def _moment(value: str, problems: dict) -> datetime | None:
    if not value:
        return None
    usual = USUAL_MOMENT.fullmatch(value)
    if usual:
        year, _sep, month, day, hour, minute, second = usual.groups()
        try:
            moment = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0))
            return timezone.make_aware(moment)  # the hotline's clock is the district's: Asia/Shanghai
        except ValueError:
            pass  # 2026-02-30: the patterns below refuse it with the row's error
    for pattern in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%d", "%Y/%m/%d"):
        try:
            moment = datetime.strptime(value, pattern)
        except ValueError:
            continue
        return timezone.make_aware(moment)  # the hotline's clock is the district's: Asia/Shanghai
    try:
        moment = datetime.fromisoformat(value)
        return moment if moment.tzinfo else timezone.make_aware(moment)
    except ValueError:
        problems["reported_at"] = _("%(value)s is not a date and time") % {"value": value}
        return None


class _Context:
    """What the whole file shares: the catalogue by code and by name, the locator, the gazetteer."""

    def __init__(self):
        leaves = list(Category.objects.filter(level=2, active=True).values_list("code", "name", "domain"))
        self.codes = {code for code, _, _ in leaves}
        self.names = {}
        for code, name, domain in sorted(leaves, key=lambda row: row[2] != Category.Domain.HOTLINE):
            self.names.setdefault(name, code)  # a hotline topic wins over a 部件/事件 of the same name
        self.index = current_index()
        self.units = Matrix()
        self.gazetteer = None
        self.places: dict[str, str] = {}

    def categories(self, subs: list[Submission]) -> list[str]:
        """The 分类 column read as a code or a name; rows without one labelled by the classifier."""
        return [code if code in self.codes else self.names.get(code, "") for code in classify_many(subs)]

    def area(self, address: str) -> str:
        if address not in self.places:
            from .where import place_of_text

            self.gazetteer = self.gazetteer or gazetteer()
            self.places[address] = place_of_text(address, self.index, self.gazetteer)
        return self.places[address]


def _import_batch(batch: list[Row], context: _Context, outcome: Outcome, now) -> None:
    fresh = []
    for attempt in range(2):
        sink = outcome if attempt == 0 else Outcome()  # a retry must not count its rows' errors twice
        fresh = _located(_fresh(batch, sink), context, sink)
        if attempt:
            outcome.duplicates += sink.duplicates
        if not fresh:
            return
        try:
            with transaction.atomic():
                _write(fresh, context, now)
        except IntegrityError:
            continue  # another import took some of these keys a moment ago: check them again
        outcome.created += len(fresh)
        return
    for row in fresh:
        outcome.errors.append((row.number, _("could not be written; import the file again")))


def _fresh(batch: list[Row], outcome: Outcome) -> list[Row]:
    """Rows whose key is new: neither in the database nor earlier in the file."""
    keys = [row.submission.key for row in batch]
    taken = set(Receipt.objects.filter(channel=CHANNEL, key__in=keys).values_list("key", flat=True))
    fresh = []
    for row in batch:
        if row.submission.key in taken:
            outcome.duplicates += 1
        else:
            taken.add(row.submission.key)
            fresh.append(row)
    return fresh


def _located(rows: list[Row], context: _Context, outcome: Outcome) -> list[Row]:
    """Rows with a point inside the district, or a place found in their address (or none: an
    operator locates those); a point outside the district is the row's error."""
    pointed = [row for row in rows if row.submission.lon is not None]
    if pointed:
        grids, _micros = context.index.locate_many([r.submission.lon for r in pointed], [r.submission.lat for r in pointed])
        outside = {row.number for row, g in zip(pointed, grids) if g < 0}
        for number in sorted(outside):
            outcome.errors.append((number, _("location: the point is outside the district")))
        rows = [row for row in rows if row.number not in outside]
    for row in rows:
        if row.submission.lon is None:
            row.submission.area_code = context.area(row.submission.address)
    return rows


def _write(rows: list[Row], context: _Context, now) -> None:
    subs = [row.submission for row in rows]
    codes = context.categories(subs)  # first: a 紧急 appeal's urgency is set here
    reports = [Report(
        title=s.title, channel=CHANNEL, category_code=code, description=s.description,
        lon=s.lon, lat=s.lat, address=s.address, area_code=s.area_code, reporter_name=s.reporter_name,
        reporter_phone=s.reporter_phone, urgency=s.urgency, external_id=s.key[:64], reported_at=s.reported_at,
    ) for s, code in zip(subs, codes)]
    cases = open_many(reports, accept=True, now=now, units=context.units)
    insert(Receipt, ["case", "channel", "key", "token", "answers", "media_urls", "api_key", "created_at"], (
        (case.pk, CHANNEL, row.submission.key, new_token(), NO_ANSWERS, NO_MEDIA, None, now) for case, row in zip(cases, rows)))
