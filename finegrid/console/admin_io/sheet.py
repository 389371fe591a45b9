"""One kind of administration data as a spreadsheet: its columns, its rows for export, the check
of one imported row, and the writing of all checked rows."""

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from finegrid.core.models import audit

from . import table


class RowError(ValueError):
    """Why one row cannot be imported."""


@dataclass(frozen=True)
class Column:
    name: str  # the field's name, also accepted as a header
    title: str  # the header, translated (Chinese by default)
    required: bool = False


@dataclass
class Result:
    errors: list[tuple[int, str]] = field(default_factory=list)  # (row number, reason)
    counts: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


class Sheet:
    name = ""
    title = ""
    columns: tuple[Column, ...] = ()

    def header(self) -> list[str]:
        return [str(c.title) for c in self.columns]

    def rows(self):
        """The rows of the export, in the columns' order."""
        raise NotImplementedError

    def context(self) -> dict:
        """What checking every row needs, read once (codes that exist …)."""
        return {}

    def check(self, row: dict, context: dict):
        """A checked record from one row, or RowError with the reason."""
        raise NotImplementedError

    def write(self, records: list, actor) -> dict:
        """Write the checked records (inside the import's transaction); returns counts."""
        raise NotImplementedError


def run_import(sheet: Sheet, upload, actor) -> Result:
    """Check every row, then write all of them in one transaction, or none."""
    try:
        rows = table.read(upload, sheet.columns)
    except table.TableError as error:
        return Result(errors=[(0, str(error))])
    context, records, errors = sheet.context(), [], []
    for number, row in rows:
        try:
            records.append(sheet.check(row, context))
        except RowError as error:
            errors.append((number, str(error)))
    if errors:
        return Result(errors=errors)
    if not records:
        return Result(errors=[(0, _("The file holds no rows to import."))])
    try:
        with transaction.atomic():
            counts = sheet.write(records, actor)
            audit("admin_import", target=sheet.name, actor=actor, rows=len(records), **counts)
    except (ValueError, IntegrityError) as error:  # a rule only the whole file can break
        return Result(errors=[(0, str(error))])
    return Result(counts=counts)


def required(row: dict, name: str, title, max_length: int | None = None) -> str:
    value = row.get(name, "")
    if not value:
        raise RowError(_("%(column)s is empty") % {"column": title})
    if max_length and len(value) > max_length:
        raise RowError(_("%(column)s is longer than %(n)d characters") % {"column": title, "n": max_length})
    return value


def optional(row: dict, name: str, title, max_length: int) -> str:
    value = row.get(name, "")
    if len(value) > max_length:
        raise RowError(_("%(column)s is longer than %(n)d characters") % {"column": title, "n": max_length})
    return value


YES = {"是", "y", "yes", "true", "1", "√", "✓"}
NO = {"否", "n", "no", "false", "0", "×", ""}


def yes_no(row: dict, name: str, title, default: bool = True) -> bool:
    value = row.get(name, "").strip().lower()
    if name not in row or value == "":
        return default
    if value in YES:
        return True
    if value in NO:
        return False
    raise RowError(_("%(column)s must be 是 or 否, not %(value)s") % {"column": title, "value": value})


def yes_no_text(value: bool) -> str:
    return _("yes") if value else _("no")


def choice(row: dict, name: str, title, choices, default: str | None = None) -> str:
    """A value of a TextChoices, written as its value or its label in any language."""
    from django.conf import settings
    from django.utils import translation

    value = row.get(name, "").strip()
    if not value and default is not None:
        return default
    labels = {}
    for code, _lang in settings.LANGUAGES:
        with translation.override(code):
            labels.update({str(label): key for key, label in choices})
    found = value if value in dict(choices) else labels.get(value)
    if found is None:
        raise RowError(_("%(column)s: %(value)s is not one of %(allowed)s") % {
            "column": title, "value": value, "allowed": "、".join(str(label) for _key, label in choices)})
    return found
