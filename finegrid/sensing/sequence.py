"""Message sequence numbers (报文序号): a device numbers its messages 0, 1, 2… (`seq` in the
payload, codec.py), so a message lost anywhere upstream — a broker that dropped a queue past its
limit, a gateway that overflowed — shows as a gap in the count instead of vanishing silently.

The position of each device's count (the last number and the time of the message that carried
it) is stored on the device in the same transaction as the readings: a consumer killed before
its commit is redelivered the same messages and counts them again from the same position, so a
gap is counted once however often the broker delivers.

A number at or below the position is a repeat (a QoS 1 redelivery, with the time it had the
first time) unless its message is newer than the position's: then the device counted again from
0 (a restart), and the numbers below it are messages of the new count that never came."""

from dataclasses import dataclass

from django.db import connection

from .models import Device


@dataclass(frozen=True)
class Position:
    seq: int
    ts: int  # ms: the measurement time of the message that carried `seq`


@dataclass(frozen=True)
class Gap:
    device_id: int
    first: int  # the first missing number
    last: int  # the last missing number

    @property
    def size(self) -> int:
        return self.last - self.first + 1


def step(position: Position | None, seq: int, ts: int) -> tuple[Position, tuple[int, int] | None]:
    """The count's position after a message numbered `seq` measured at `ts`, and the numbers
    (first, last) missing before it, if any. A repeat leaves the position as it was."""
    if position is None or seq == position.seq + 1:
        return Position(seq, ts), None  # the first numbered message sets the baseline
    if seq > position.seq:
        return Position(seq, ts), (position.seq + 1, seq - 1)
    if ts > position.ts:  # a lower number on a newer message: the device counts again from 0
        return Position(seq, ts), ((0, seq - 1) if seq else None)
    return position, None


ROWS_PER_UPDATE = 500  # 2,000 parameters: well inside SQLite's and PostgreSQL's limits


def _update_sql(rows: int) -> str:
    """One UPDATE for `rows` devices (both databases take UPDATE … FROM a VALUES list): a batch
    touching 250 devices was 250 statements, about a fifth of the storage thread's time."""
    table = Device._meta.db_table
    values = ", ".join(["(CAST(%s AS BIGINT), CAST(%s AS BIGINT), CAST(%s AS BIGINT), CAST(%s AS BIGINT))"] * rows)
    return (f"WITH moved (seq, ts, lost, id) AS (VALUES {values}) "
            f"UPDATE {table} SET seq = moved.seq, seq_ts = moved.ts, lost_messages = {table}.lost_messages + moved.lost "
            f"FROM moved WHERE {table}.id = moved.id")


class Sequences:
    """Each device's position, read from the database once and kept in step with it."""

    def __init__(self):
        self.positions: dict[int, Position | None] = {}
        self.changed: set[int] = set()

    def warm(self, device_ids) -> None:
        missing = [pk for pk in device_ids if pk not in self.positions]
        for pk, seq, ts in Device.objects.filter(pk__in=missing).values_list("pk", "seq", "seq_ts"):
            self.positions[pk] = Position(seq, ts) if seq is not None else None

    def advance(self, device_id: int, seq: int, ts: int) -> Gap | None:
        position, missing = step(self.positions.get(device_id), seq, ts)
        if position != self.positions.get(device_id):
            self.positions[device_id] = position
            self.changed.add(device_id)
        return Gap(device_id, *missing) if missing else None

    def save(self, gaps: list[Gap]) -> None:
        """The changed positions and the lost counts, inside the caller's transaction."""
        lost: dict[int, int] = {}
        for gap in gaps:
            lost[gap.device_id] = lost.get(gap.device_id, 0) + gap.size
        rows = [(self.positions[pk].seq, self.positions[pk].ts, lost.get(pk, 0), pk) for pk in sorted(self.changed)]
        with connection.cursor() as cursor:
            for start in range(0, len(rows), ROWS_PER_UPDATE):
                chunk = rows[start:start + ROWS_PER_UPDATE]
                cursor.execute(_update_sql(len(chunk)), [value for row in chunk for value in row])
        self.changed.clear()

    def forget(self, device_ids) -> None:
        """What a failed batch may have left in memory: read again from the database next time."""
        for pk in device_ids:
            self.positions.pop(pk, None)
        self.changed.clear()
