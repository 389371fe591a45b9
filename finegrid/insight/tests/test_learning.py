import json

import pytest

from finegrid.core.models import AuditEntry
from finegrid.insight import learning, store
from finegrid.insight.models import CaseLabels, Correction


def _write(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


DISTRICT = [
    {"text": "东关街的古井又被人倒垃圾了", "title": "古井垃圾", "topic": "城乡建设"},
    {"text": "运河边的步道晚上没有灯", "topic": "城乡建设", "request_type": "投诉"},
    {"text": "扬州炒饭店卫生差", "topic": "卫生计生", "urgency": "一般"},
]


def test_train_writes_a_new_active_version_and_rollback_restores_the_old(db, models_folder, tmp_path):
    assert store.build_seed(1500) == 1
    version = learning.train(_write(tmp_path / "history.jsonl", DISTRICT), seed_size=1500)
    assert version == 2 and store.registry()["active"] == 2
    assert store.active_model().info["version"] == 2
    learning.rollback(1)
    assert store.registry()["active"] == 1
    assert store.active_model().info["source"] == "seed"
    assert AuditEntry.objects.filter(action="insight.rollback").exists()


def test_a_retrain_keeps_what_earlier_files_taught(db, models_folder, tmp_path):
    learning.train(_write(tmp_path / "a.jsonl", DISTRICT), seed_size=500)
    version = learning.train(None, seed_size=500)
    assert store.registry()["versions"][-1]["records"] == len(DISTRICT)
    assert version == 2


def test_bad_training_lines_are_refused_with_their_number(db, models_folder, tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "路灯不亮", "topic": "城乡建设"}\n{"text": "噪音", "topic": "噪音问题"}\n', encoding="utf-8")
    with pytest.raises(learning.BadRecord, match="line 2: unknown topic"):
        learning.read_records(path)
    assert not (models_folder / "registry.json").exists()


def test_rollback_to_a_missing_version_is_refused(db, models_folder):
    with pytest.raises(ValueError):
        store.activate(7)


def test_a_correction_is_stored_updates_the_case_and_feeds_the_next_training(tiny, models_folder, small_model):
    from django.utils import timezone

    from finegrid.cases.reporting import open_case

    case = open_case(channel="hotline", title="噪音", description="楼下KTV噪音到凌晨", now=timezone.now())
    CaseLabels.objects.create(case=case, topic="商贸旅游", request_type="投诉", urgency="一般")
    learning.record_correction(text=case.description, title=case.title, case=case, topic="环境保护")
    labels = CaseLabels.objects.get(case=case)
    assert (labels.topic, labels.corrected) == ("环境保护", True)
    correction = Correction.objects.get()
    assert correction.previous["topic"] == "商贸旅游"
    learning.train(None, seed_size=500)
    assert store.registry()["versions"][-1]["records"] == 1


def test_a_correction_with_an_unknown_label_is_refused(db):
    with pytest.raises(ValueError):
        learning.record_correction(text="x", urgency="很急")
    assert not Correction.objects.exists()


def test_train_command_builds_the_seed_only_when_missing_and_lists_versions(db, models_folder):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("train", "--seed", "--if-missing", "--seed-size", "400", stdout=out)
    call_command("train", "--seed", "--if-missing", "--seed-size", "400", stdout=out)
    call_command("train", "--list", stdout=out)
    assert "v1 trained" in out.getvalue() and "no seed model built" in out.getvalue()
    assert [v["version"] for v in store.registry()["versions"]] == [1]


def test_a_head_only_the_seed_teaches_is_not_weakened_by_the_seeds_lower_weight():
    """A district that labels topics only lowers the seed's weight; its urgency head must stay as sharp."""
    import numpy as np

    from finegrid.insight.corpus import generate
    from finegrid.insight.model import LabelModel

    records = generate(800, seed=3)
    plain = LabelModel().fit(records)
    lowered = LabelModel().fit(records, [learning.SEED_WEIGHT] * len(records))
    assert np.allclose(plain.heads["urgency"].coef_, lowered.heads["urgency"].coef_, atol=1e-4)


def test_a_trained_model_predicts_as_its_svms_and_loads_without_scikit_learn(tmp_path):
    import subprocess
    import sys

    import joblib
    import numpy as np
    from sklearn.svm import LinearSVC

    from finegrid.insight.corpus import generate
    from finegrid.insight.model import LabelModel, LinearHead

    rows = generate(400, seed=8)
    model = LabelModel().fit(rows)
    assert all(isinstance(head, LinearHead) for head in model.heads.values())
    texts = [r["text"] for r in rows[:50]]
    matrix = model._features(model.transform(texts), texts)
    for head in ("urgency", "topic"):  # two classes (one margin) and many
        svm = LinearSVC(class_weight="balanced").fit(matrix, [r[head] for r in rows[:50]])
        assert np.allclose(LinearHead.of(svm).decision_function(matrix), svm.decision_function(matrix), atol=1e-4)
    path = tmp_path / "model.joblib"
    joblib.dump(model, path)
    probe = (f"import sys, joblib; m = joblib.load({str(path)!r}); m.predict(['路灯坏了']); "
             "print(any(name.split('.')[0] == 'sklearn' for name in sys.modules))")
    assert subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.strip() == "False"
