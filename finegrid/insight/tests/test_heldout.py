"""The held-out sets stay held out: no training path opens them, no insight module names them,
and the real messages are cut by a fixed hash."""

import builtins
import io
import pathlib
from pathlib import Path

import pytest

from finegrid.insight import heldout, learning
from finegrid.insight.corpus import generate
from finegrid.insight.taxonomy import REQUEST_TYPES, TOPICS
from finegrid.insight.topic_tree import tree_records

INSIGHT = Path(heldout.__file__).resolve().parent


@pytest.fixture
def opened(monkeypatch):
    """Every path opened while the test runs, through open(), io.open or Path.open/read_text."""
    seen = []
    real_open, real_path_open = builtins.open, pathlib.Path.open

    def watched_open(file, *args, **kwargs):
        seen.append(Path(str(file)).resolve() if isinstance(file, (str, Path)) else file)
        return real_open(file, *args, **kwargs)

    def watched_path_open(self, *args, **kwargs):
        seen.append(self.resolve())
        return real_path_open(self, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", watched_open)
    monkeypatch.setattr(io, "open", watched_open)
    monkeypatch.setattr(pathlib.Path, "open", watched_path_open)
    return seen


def test_training_never_opens_a_held_out_file(opened, models_folder, tmp_path):
    district = tmp_path / "district.jsonl"
    district.write_text('{"text": "小区路灯坏了", "topic": "城乡建设"}\n', encoding="utf-8")
    tree_records()
    generate(200, seed=3)
    learning.read_records(district)
    learning.history()
    learning.fit(learning.read_records(district), seed_size=200, embeddings=False)
    assert opened, "the watch saw nothing: it would not see a held-out file either"
    assert not [p for p in opened if isinstance(p, Path) and heldout.FOLDER in p.parents]


def test_only_the_held_out_module_names_the_held_out_folder():
    naming = [path.name for path in INSIGHT.glob("*.py") if path.name != "heldout.py"
              and ("heldout" in path.read_text(encoding="utf-8") or "data/heldout" in path.read_text(encoding="utf-8"))]
    naming += [str(path.relative_to(INSIGHT)) for path in (INSIGHT / "management").rglob("*.py")
               if "heldout" in path.read_text(encoding="utf-8")]
    assert naming == []


def test_the_real_messages_are_cut_once_by_a_fixed_hash():
    rows = [{"id": str(n)} for n in range(1000)]
    train, held = heldout.split_real(rows)
    again_train, again_held = heldout.split_real(list(reversed(rows)))
    assert {r["id"] for r in held} == {r["id"] for r in again_held}
    assert not {r["id"] for r in train} & {r["id"] for r in held}
    assert 150 < len(held) < 250  # about one in five
    assert heldout.is_held_out("445") == heldout.is_held_out("445")


def test_the_held_out_files_read_whole():
    appeals = heldout.appeals()
    assert len(appeals) >= 200
    assert {a.urgency for a in appeals} == {"紧急", "一般"}
    assert all(a.leaves and a.topic for a in appeals)
    for later in (heldout.APPEALS_2, heldout.APPEALS_3, heldout.APPEALS_4):
        second = heldout.appeals(later)
        assert len(second) >= 100 and {a.urgency for a in second} == {"紧急", "一般"}
        assert {a.topic for a in appeals + second} <= set(TOPICS) and {a.request_type for a in second} <= set(REQUEST_TYPES)
    fourth = heldout.appeals(heldout.APPEALS_4)
    assert {a.request_type for a in fourth} == set(REQUEST_TYPES) and {a.topic for a in fourth} == set(TOPICS)
    stream = heldout.duplicate_stream()
    groups = [r.group for r in stream if r.group]
    assert len(groups) - len(set(groups)) >= 20  # at least twenty duplicate links to find
