from finegrid.insight.model import LabelModel
from finegrid.insight.taxonomy import TOPICS
from finegrid.insight.topic_tree import TreeHints, tree_records, tree_terms


def _classes(row):
    return {TOPICS[c]: int(v) for c, v in zip(row.indices, row.data)}


def test_the_tree_files_every_first_level_class_and_skips_bare_other():
    records = tree_records()
    assert {r["topic"] for r in records} == set(TOPICS)
    assert not any(r["title"] == "其他" for r in records)
    assert all(r["from_tree"] for r in records)


def test_hints_count_each_term_once_per_text_under_its_classes():
    hints = TreeHints().transform(["1路公共汽车收班太早", "", "文物保护，噪音污染，噪音污染", "今天天气不错"])
    assert _classes(hints[0]) == {"城乡建设": 1}
    assert hints[1].nnz == 0 and hints[3].nnz == 0
    assert _classes(hints[2]) == {"教育文体": 1, "环境保护": 1}


def test_a_listed_branch_gives_each_of_its_subjects_as_a_term():
    terms = tree_terms()
    assert "房产证登记" in terms and "办理" in terms  # "房产证登记、办理"
    assert len(terms["安全隐患"]) == 2  # filed under 城乡建设 and 经济管理


def test_tree_records_teach_a_topic_the_other_records_never_name():
    seed = [{"text": "小区路灯坏了", "topic": "城乡建设"}, {"text": "工资被拖欠", "topic": "劳动和社会保障"}] * 5
    model = LabelModel().fit(seed + tree_records())
    assert model.predict(["反映邮政行业规划的问题"])[0].topic == "交通运输"


def test_a_model_saved_before_the_tree_hints_still_predicts(tmp_path):
    import joblib

    old = LabelModel()
    del old.hints  # what a model file written before the hints holds
    old.fit([{"text": "小区路灯坏了", "topic": "城乡建设"}, {"text": "工资被拖欠", "topic": "劳动和社会保障"}] * 5)
    joblib.dump(old, tmp_path / "old.joblib")
    loaded = joblib.load(tmp_path / "old.joblib")
    prediction = loaded.predict(["路灯又坏了"])[0]
    assert prediction.topic == "城乡建设" and 0.5 < prediction.topic_confidence <= 1
