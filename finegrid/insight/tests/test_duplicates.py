from datetime import timedelta

import numpy as np

from django.utils import timezone

from finegrid.cases.reporting import open_case
from finegrid.insight.duplicates import StreamDuplicates, duplicate_candidates, find_duplicate

LAMP = "跃进路东段路灯坏了一个多月一直不亮，晚上走路很危险"
LAMP_AGAIN = "跃进路东段的路灯一直不亮，坏了有一个月了，请尽快修"
NOISE = "跃进路东段有家饭店油烟直排，熏得窗户都不敢开"


def _case(text, title, when, area="321002001001"):
    return open_case(channel="hotline", title=title, description=text, area_code=area, now=when)


def test_the_same_lamp_reported_again_is_flagged_with_the_first(tiny, small_model):
    now = timezone.now()
    first = _case(LAMP, "路灯不亮", now - timedelta(days=2))
    _case(NOISE, "油烟扰民", now - timedelta(days=1))
    again = _case(LAMP_AGAIN, "路灯坏了", now)
    assert find_duplicate(again, model=small_model) == first


def test_a_report_outside_the_window_or_elsewhere_is_not_a_duplicate(tiny, small_model):
    now = timezone.now()
    _case(LAMP, "路灯不亮", now - timedelta(days=30))
    _case(LAMP, "路灯不亮", now - timedelta(days=1), area="321002002001")
    again = _case(LAMP_AGAIN, "路灯坏了", now)
    assert find_duplicate(again, model=small_model) is None


def test_a_different_issue_at_the_same_place_is_not_a_duplicate(tiny, small_model):
    now = timezone.now()
    _case(NOISE, "油烟扰民", now - timedelta(days=1))
    again = _case(LAMP_AGAIN, "路灯坏了", now)
    assert duplicate_candidates(again, model=small_model) == []


def test_in_a_stream_an_unplaced_report_matches_only_the_same_words(small_model):
    stream = StreamDuplicates(small_model.vectorizer.size)
    none = (np.zeros(0, np.int32), np.zeros(0, np.float32))
    assert stream.check("1", None, "城乡建设", *none, "路灯坏了一个多月一直不亮。") is None
    assert stream.check("2", None, "城乡建设", *none, "路灯坏了 一个多月 一直不亮!").earlier == "1"
    assert stream.check("3", None, "城乡建设", *none, "路灯坏了两个月一直不亮") is None


def test_in_a_stream_a_placed_report_matches_similar_words_at_the_same_place_and_topic(small_model):
    stream = StreamDuplicates(small_model.vectorizer.size)
    matrix = small_model.transform([LAMP, NOISE, LAMP_AGAIN, LAMP_AGAIN])
    row = lambda i: (matrix.indices[matrix.indptr[i]:matrix.indptr[i + 1]], matrix.data[matrix.indptr[i]:matrix.indptr[i + 1]])
    assert stream.check("1", "g1", "城乡建设", *row(0)) is None
    assert stream.check("2", "g1", "城乡建设", *row(1)) is None
    assert stream.check("3", "g1", "城乡建设", *row(2)).earlier == "1"
    assert stream.check("4", "g2", "城乡建设", *row(3)) is None  # another place
