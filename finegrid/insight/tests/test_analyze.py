import io
import json

import joblib
import pytest
from django.core.management import CommandError, call_command

from finegrid.insight.stream import KEYS

INPUT = [
    {"id": "1", "title": "个园门口路灯不亮", "text": "个园门口路灯坏了一个多月一直不亮，晚上走路很危险"},
    {"id": "2", "text": "请问小学入学需要准备哪些材料？"},
    {"id": "3", "text": "个园门口的路灯一直不亮，坏了有一个月了，希望尽快修"},
    {"id": "4", "text": "跃进路一家仓库起火了，浓烟很大"},
]


def _analyze(lines, model_path, *args):
    out = io.StringIO()
    call_command("analyze", "--model", str(model_path), *args, stdin=io.StringIO("\n".join(lines)), stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


@pytest.fixture
def model_file(small_model, tmp_path):
    path = tmp_path / "model.joblib"
    joblib.dump(small_model, path)
    return path


def test_one_line_out_per_line_in_in_order_with_the_contract_keys(places, model_file):
    out = _analyze([json.dumps(i, ensure_ascii=False) for i in INPUT], model_file)
    assert [o["id"] for o in out] == ["1", "2", "3", "4"]
    assert all(tuple(o) == KEYS for o in out)
    assert out[0]["place"] == "个园" and out[0]["street"] == "东关街道" and out[0]["grid_code"] == "321002001001001"
    assert out[1]["request_type"] == "咨询" and out[1]["place"] is None
    assert out[2]["duplicate_of"] == "1"
    assert out[3]["urgency"] == "紧急" and out[3]["street"] == "东关街道"
    assert out[0]["duplicate_of"] is None and out[3]["duplicate_of"] is None


def test_a_bad_line_gets_an_error_line_and_the_stream_goes_on(db, model_file):
    out = _analyze(['{"id": "x", "text": 5}', "not json", json.dumps(INPUT[1], ensure_ascii=False)], model_file,
                   "--no-places")
    assert out[0] == {"id": "x", "error": "text (and title, when given) must be strings"}
    assert out[1]["id"] is None and out[1]["error"].startswith("not JSON")
    assert out[2]["id"] == "2" and out[2]["topic"] == "教育文体"


def test_a_missing_model_file_is_a_clear_error(db, tmp_path):
    with pytest.raises(CommandError, match="cannot load the model"):
        _analyze([], tmp_path / "nothing.joblib")


def test_other_words_for_one_problem_at_one_place_are_linked_within_the_window(places, model_file):
    said = [
        {"id": "a", "text": "跃进路路口的红绿灯不亮了", "time": "2026-06-01"},
        {"id": "b", "text": "跃进路十字路口的信号灯坏了，车都乱开", "time": "2026-06-01T18:00:00"},
        {"id": "c", "text": "跃进路路口有家饭店油烟直排，熏得窗户都不敢开", "time": "2026-06-02"},
        {"id": "d", "text": "跃进路路口的信号灯还是不亮", "time": "2026-07-20"},  # weeks later: a new report
    ]
    out = _analyze([json.dumps(i, ensure_ascii=False) for i in said], model_file, "--paraphrases")
    assert [o["duplicate_of"] for o in out] == [None, "a", None, None]
