"""Rows of many new cases and their transitions written with plain `executemany`.

The ORM's `bulk_create` builds a model instance per transition and prepares every value through
its field one by one: for a batch of cases that was most of the time of opening them. Here each
column gets one converter chosen once per field (only datetimes and JSON need one), and each
case's readable ticket is written in the INSERT itself, from an id reserved beforehand."""

from enum import Enum
from operator import attrgetter
from typing import NamedTuple

from django.db import connection, models

from .models import Case, Transition
from .reporting import ticket_for


class Step(NamedTuple):
    """One transition row of a case being opened; `seq` is its place in the list."""

    action: str
    from_state: str
    to_state: str
    actor_id: int | None
    actor_label: str
    role: str
    at: object
    data: dict
    unit_id: int | None = None


def insert_cases(cases: list[Case], now) -> None:
    """INSERT the cases with their final tickets; each case gets its primary key."""
    for case, pk in zip(cases, _reserve_ids(len(cases))):
        case.pk = pk
        case.ticket = ticket_for(case)
        case.created_at = case.updated_at = now
    fields = list(Case._meta.concrete_fields)
    values = attrgetter(*[f.attname for f in fields])  # one C call per case for every column
    _executemany(Case, fields, _converted(fields, map(values, cases)))


def insert_transitions(cases: list[Case], steps: list[list[Step]]) -> None:
    names = ["case", "seq", "action", "from_state", "to_state", "actor", "actor_label", "role", "unit", "at", "reason", "data"]
    insert(Transition, names, (
        (case.pk, seq, s.action, s.from_state, s.to_state, s.actor_id, s.actor_label, s.role, s.unit_id, s.at, "",
         s.data)
        for case, case_steps in zip(cases, steps) for seq, s in enumerate(case_steps, start=1)
    ))


def insert(model, names: list[str], rows) -> None:
    """INSERT plain tuples of Python values (in the order of `names`) into the model's table."""
    fields = [model._meta.get_field(name) for name in names]
    _executemany(model, fields, _converted(fields, rows))


def _converted(fields, rows):
    """Rows with the few columns that need it converted (fresh converters per call: the JSON
    converter's memo lives as long as the rows)."""
    special = [(i, convert) for i, convert in enumerate(map(_converter, fields)) if convert is not None]
    for row in rows:
        row = list(row)
        for i, convert in special:
            row[i] = convert(row[i])
        yield row


def _reserve_ids(n: int) -> list[int]:
    """n primary keys nobody else will take. PostgreSQL: from the table's sequence. SQLite: the
    write lock is taken first (a transaction has one writer), so the next ids are ours."""
    table = connection.ops.quote_name(Case._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT nextval(pg_get_serial_sequence('{Case._meta.db_table}', 'id')) "
                           "FROM generate_series(1, %s)", [n])
            return [row[0] for row in cursor.fetchall()]
        # A no-op write takes the RESERVED lock, so no other connection inserts until we commit.
        cursor.execute(f"UPDATE {table} SET id = id WHERE id = -1")
        cursor.execute("SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "
                       f"COALESCE((SELECT MAX(id) FROM {table}), 0)", [Case._meta.db_table])
        first = max(cursor.fetchone()) + 1
    return list(range(first, first + n))


def _executemany(model, fields, rows) -> None:
    """SQLite: one prepared statement run per row (no round trips in process). PostgreSQL: one
    statement whose parameters are one array per column, unnested (as Django's bulk_create does):
    a statement of thousands of placeholders costs more to parse and plan than to run."""
    quote = connection.ops.quote_name
    head = f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
    rows = list(rows)
    if not rows:
        return
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.executemany(head + "VALUES (" + ", ".join(["%s"] * len(fields)) + ")", rows)
            return
        # varchar, not varchar(20): the column itself still checks the length.
        arrays = ", ".join(f"(%s)::{_target(f).db_type(connection).split('(')[0]}[]" for f in fields)
        cursor.execute(head + f"SELECT * FROM UNNEST({arrays})", [list(column) for column in zip(*rows)])


def _target(field):
    return field.target_field if field.is_relation else field


def _plain(value):
    """A TextChoices member as its plain string (psycopg adapts an Enum by its name)."""
    if type(value) is str:
        return value
    return value.value if isinstance(value, Enum) else value


def _datetime_adapter():
    """Most of a batch's moments are one object (the `now` of the batch): each object is adapted
    once. Keyed by identity, because hashing an aware datetime asks its zone for the offset; the
    memo holds the object, so its id cannot be reused while the memo lives."""
    adapt = connection.ops.adapt_datetimefield_value
    seen: dict = {}

    def convert(value):
        if value is None:
            return None
        found = seen.get(id(value))
        if found is None:
            found = seen[id(value)] = (value, adapt(value))
        return found[1]

    return convert


def _converter(field):
    if isinstance(field, models.DateTimeField):
        return _datetime_adapter()
    if isinstance(field, models.JSONField):
        return _json_adapter(field)
    if isinstance(field, models.CharField) and connection.vendor == "postgresql":
        return _plain  # SQLite's driver takes a str subclass as the str it is
    return None


def _json_adapter(field):
    """A batch shares its few `data` objects (one per channel, deadline, unit): each is encoded once.
    The memo holds the object itself, so its id cannot be reused while the memo lives."""
    seen: dict = {}

    def convert(value):
        found = seen.get(id(value))
        if found is None:
            found = seen[id(value)] = (value, field.get_db_prep_save(value, connection))
        return found[1]

    return convert
