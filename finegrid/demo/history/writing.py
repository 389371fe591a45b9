"""Writing the lived cases and their transitions in bulk: one prepared INSERT stepped over all
rows on SQLite, COPY on PostgreSQL."""

import json
from itertools import islice
from operator import itemgetter

from django.core.management.color import no_style
from django.db import connection, transaction

from finegrid.cases.models import Case, Transition
from .mix import CHUNK


def write(sims, progress) -> int:
    """Cases, then transitions, in one transaction of bulk INSERTs, row by row off the stories."""
    case_fields = Case._meta.concrete_fields
    defaults = {f.attname: f.get_default() for f in case_fields}
    columns = itemgetter(*defaults)
    # created_at: the row would have been created when the report came in.
    case_rows = (columns({**defaults, **sim.__dict__, "created_at": sim.reported_at}) for sim in sims)
    transition_fields = [Transition._meta.get_field(name) for name in (
        "case", "seq", "action", "from_state", "to_state", "actor", "actor_label", "role", "unit", "at", "reason",
        "data", "notified")]
    total = sum(len(sim.rows) for sim in sims)
    # The history is the past: its steps were told when they happened, so the notice step skips them.
    transition_rows = ((sim.id, *row, True) for sim in sims for row in sim.rows)
    with transaction.atomic():
        _insert(Case, case_fields, case_rows, len(sims), progress, "cases")
        _insert(Transition, transition_fields, transition_rows, total, progress, "transitions")
        with connection.cursor() as cursor:  # PostgreSQL: move the id sequence past the ids chosen here
            for sql in connection.ops.sequence_reset_sql(no_style(), [Case]):
                cursor.execute(sql)
    return total


def _insert(model, fields, rows, total: int, progress, step) -> None:
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    adapters = [(i, adapt) for i, adapt in enumerate(map(_adapter, fields)) if adapt]
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    done = 0
    with connection.cursor() as cursor:
        while chunk := [_adapted(row, adapters) for row in islice(rows, CHUNK)]:
            if connection.vendor == "postgresql":  # COPY: no statement to parse per row, a stream of rows
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in chunk:
                        copy.write_row(row)
            else:  # one prepared statement stepped in C: SQLite's fastest path
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES {one}", chunk)
            done += len(chunk)
            tick(progress, step, done, total)


def _adapted(row, adapters) -> list:
    row = list(row)
    for index, adapt in adapters:
        row[index] = adapt(row[index])
    return row


def _adapter(field):
    """A value → database value function, for the columns that need one."""
    kind, ops = field.get_internal_type(), connection.ops
    if kind == "DateTimeField" and connection.vendor == "sqlite":
        # Every moment here is in UTC (str() ends in "+00:00"): Django stores the naive UTC text.
        return lambda v: None if v is None else str(v)[:-6]
    if kind == "JSONField":
        if connection.vendor == "postgresql":  # COPY reads JSON as text
            return lambda v: json.dumps(v, cls=field.encoder)
        return lambda v: ops.adapt_json_value(v, field.encoder)
    return None


def tick(progress, step, done, total):
    if progress:
        progress(step, done, total)
