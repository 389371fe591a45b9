"""Held-out sets: what insight is measured on and never trained or tuned on.

- `appeals()`: data/heldout/appeals.txt, appeals written for finegrid in the voice of 广陵区
  residents (its streets, communities, compounds, sights), each with its urgency, request type,
  topic, the catalogue leaves a good suggestion may name and the street it is in;
- `appeals(APPEALS_2)`: data/heldout/appeals-2.txt, a second such set written in stop 21 before
  that session changed anything, because the first had been looked at about ten times;
- `appeals(APPEALS_3)`: data/heldout/appeals-3.txt, a third such set (126 appeals) written by the
  insight3 helper before it changed anything, because sets 1 and 2 had both been looked at;
- `appeals(APPEALS_4)`: data/heldout/appeals-4.txt, a fourth such set (150 appeals) written blind by
  the heldout4 helper, who read none of insight's rules, seed text or named places first, because
  sets 1 to 3 had all been looked at while tuning;
- `appeals(APPEALS_5)`: data/heldout/appeals-5.txt, a fifth such set (160 appeals) written blind by
  the heldout5 helper, who likewise read none of insight's rules, seed text, other sets' appeals or
  named places first, because sets 1 to 4 may all have been looked at;
- `appeals(APPEALS_6)`: data/heldout/appeals-6.txt, a sixth such set (160 appeals) written blind by
  the heldout6 helper on 4 December before any change was measured on it, because set 5's figures
  had steered a session's choices (its errors were never read, but its score was);
- `duplicate_stream()`: data/heldout/duplicates.txt, a stream of reports in arrival order where
  reports of one group are the same problem at the same place in other words;
- `split_real(rows)`: the shared real messages cut ONCE into a training part and a held-out part
  by a fixed hash of their id, so the cut does not depend on order, seed or which code asks.

Nothing under insight trains on, or chooses a setting from, these files: a test opens every
training path with the files watched (tests/test_heldout.py). Only `finegrid bench insight`
reads them, to print the figures beside the cross-validation."""

import hashlib
from dataclasses import dataclass
from pathlib import Path

FOLDER = Path(__file__).resolve().parent / "data" / "heldout"
APPEALS = FOLDER / "appeals.txt"
# Written later, before the changes it measures, because APPEALS had been looked at too often;
# its leaves are not labelled ("-").
APPEALS_2 = FOLDER / "appeals-2.txt"
APPEALS_3 = FOLDER / "appeals-3.txt"  # the same, once sets 1 and 2 had both been looked at
APPEALS_4 = FOLDER / "appeals-4.txt"  # the same, written blind to the rules once sets 1 to 3 had been looked at
APPEALS_5 = FOLDER / "appeals-5.txt"  # the same, written blind again once sets 1 to 4 might have been looked at
APPEALS_6 = FOLDER / "appeals-6.txt"  # the same again, once set 5's score had been watched
# figure suffix → file, for the bench
APPEAL_SETS = {"": APPEALS, "_set2": APPEALS_2, "_set3": APPEALS_3, "_set4": APPEALS_4, "_set5": APPEALS_5,
               "_set6": APPEALS_6}
DUPLICATES = FOLDER / "duplicates.txt"
HELD_OUT_SHARE = 5  # one real message in five (by hash) is held out


@dataclass(frozen=True)
class Appeal:
    text: str
    urgency: str
    request_type: str
    topic: str
    leaves: tuple[str, ...]  # any of these catalogue leaves is a right suggestion
    street: str | None


@dataclass(frozen=True)
class Report:
    number: int
    group: str | None  # None: duplicates nothing
    day: int
    text: str


def _lines(path: Path) -> list[list[str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append(line.split("|"))
    return rows


def appeals(path: Path = APPEALS) -> list[Appeal]:
    out = []
    for urgency, kind, topic, leaves, street, text in _lines(path):
        chosen = () if leaves == "-" else tuple(leaves.split(","))
        out.append(Appeal(text, urgency, kind, topic, chosen, None if street == "-" else street))
    return out


def duplicate_stream(path: Path = DUPLICATES) -> list[Report]:
    return [Report(number, None if group == "-" else group, int(day), text)
            for number, (group, day, text) in enumerate(_lines(path))]


def is_held_out(message_id: str) -> bool:
    """Fixed for ever: the first byte of the id's SHA-1 decides, not a random generator."""
    return hashlib.sha1(str(message_id).encode("utf-8")).digest()[0] % HELD_OUT_SHARE == 0


def split_real(rows: list[dict]) -> tuple[list[dict], list[dict]]:
    """(training part, held-out part) of the real messages, by `is_held_out(row["id"])`."""
    train = [row for row in rows if not is_held_out(row["id"])]
    held = [row for row in rows if is_held_out(row["id"])]
    return train, held
