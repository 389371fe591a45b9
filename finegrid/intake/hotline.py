"""Hotline batch import (12345 工单): a spreadsheet's rows through the one entrance
(`entrance.take_in`), a batch of rows at a time. Good rows go in; each bad row goes to the error
report with its row number and the reason. A row the district cannot take — a point outside it,
a place in another district — is sent back (退单) to the city's platform, and the report says so.
The work-order number is the duplicate check, so importing the same file twice opens nothing new."""

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _

from finegrid.cases.models import Case, Category

from .entrance import take_in
from .intake import Intake, IntakeError, Submission
from .matrix import Matrix
from .sheets import as_text, rows_of

COLUMNS_FILE = Path(__file__).resolve().parent / "data" / "hotline_columns.json"
BATCH = 2000
URGENCY_WORDS = {"特急": "2h", "紧急": "24h", "一般": "7d", "复杂": "15d", "2h": "2h", "24h": "24h", "7d": "7d", "15d": "15d"}
CHANNEL = Case.Channel.HOTLINE
NO_ANSWERS, NO_MEDIA = {}, []  # one object each, so the row writer encodes them once per batch
PLACE_FIELDS = frozenset({"location", "area_code", "address"})  # the district's checks: a row for another district


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
    for batch in _batches(rows, fields, context):
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


def _batches(rows: Iterable, fields: dict, context) -> Iterator[list[Row]]:
    batch = []
    for number, values in rows:
        cells = {name: as_text(values[i]) if i < len(values) else "" for name, i in fields.items()}
        if not any(cells.values()):
            continue  # a blank line between blocks
        batch.append(Row(number, _submission(cells, context)))
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _submission(cells: dict, context) -> Submission:
    """The row as a submission; what only the hotline can tell is wrong (a call time, a tier
    word) rides along in `problems` and is reported with the entrance's own findings."""
    problems = {}
    urgency = URGENCY_WORDS.get(cells.get("urgency", ""), "")
    if cells.get("urgency") and not urgency:
        problems["urgency"] = _("unknown urgency %(value)s") % {"value": cells["urgency"]}
    sub = Submission(
        channel=CHANNEL, title=cells.get("title", ""), description=cells.get("description", ""),
        category_code=context.category(cells.get("category", "")), lon=cells.get("lon") or None,
        lat=cells.get("lat") or None, address=cells.get("address", ""), reporter_name=cells.get("reporter_name", ""),
        reporter_phone=cells.get("reporter_phone", ""), urgency=urgency, key=cells.get("key", ""), public_only=False,
        answers=NO_ANSWERS, media_urls=NO_MEDIA, problems=problems,
    )
    sub.reported_at = _moment(cells.get("reported_at", ""), problems)
    if not sub.address and sub.lon is None:
        sub.address = sub.description[:200]  # a caller names the place in the words of the appeal
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
    """What the whole file shares: the catalogue by code and by name, the matrix's answers."""

    def __init__(self):
        leaves = list(Category.objects.filter(level=2, active=True).values_list("code", "name", "domain"))
        self.codes = {code for code, _, _ in leaves}
        self.names = {}
        for code, name, domain in sorted(leaves, key=lambda row: row[2] != Category.Domain.HOTLINE):
            self.names.setdefault(name, code)  # a hotline topic wins over a 部件/事件 of the same name
        self.units = Matrix()

    def category(self, value: str) -> str:
        """The 分类 column read as a code or a name (kept as given when it is neither: the case
        waits for an operator); an empty one is left to the classifier."""
        return value if value in self.codes else self.names.get(value, value)


def _import_batch(batch: list[Row], context: _Context, outcome: Outcome, now) -> None:
    results = take_in([row.submission for row in batch], now=now, units=context.units)
    for row, result in zip(batch, results):
        if isinstance(result, IntakeError):
            outcome.errors.append((row.number, _reason(result)))
        elif isinstance(result, Intake) and result.created:
            outcome.created += 1
        else:
            outcome.duplicates += 1


def _reason(error: IntakeError) -> str:
    """The error report's reason; a row the district cannot take is sent back (退单) to the city."""
    if error.problems.keys() & PLACE_FIELDS:
        return _("sent back (退单): %(reason)s") % {"reason": error}
    return str(error)
