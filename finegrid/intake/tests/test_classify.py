"""Reports that come without a category are labelled by the insight classifier (the small model
of conftest): its topic picks the catalogue category, and a 紧急 appeal takes the 2-hour path."""

from datetime import timedelta

from finegrid.cases.tests.factories import make_category
from finegrid.insight.classify import classify as labels_of
from finegrid.intake.classify import classify_many
from finegrid.intake.hotline import import_file
from finegrid.intake.intake import Submission, intake

from .conftest import GRID_A

GAS = "小区楼道里煤气泄漏味道很大，有人晕倒了，请马上派人来"
ROAD = "我家门口的路面坑洼很多，下雨天积水严重，希望修一下"


def _hotline(text, **kwargs):
    return Submission(**{"channel": "hotline", "description": text, "lon": GRID_A[0], "lat": GRID_A[1],
                         "public_only": False, **kwargs})


def _category_for(text):
    """The catalogue leaf the classifier's topic leads to, made in the test catalogue."""
    code = labels_of(text, title=text[:40]).category_code  # intake titles a report by its first words
    if len(code) == 3:  # the topic only: its 其他 leaf
        make_category(code + "09", "其他", domain="hotline")
        return code + "09"
    make_category(code, "话题", domain="hotline")
    return code


def test_a_report_without_a_category_takes_the_classifiers_and_an_urgent_one_the_two_hour_path(catalogue):
    code = _category_for(GAS)
    assert labels_of(GAS).urgency == "紧急"
    case = intake(_hotline(GAS)).case
    assert case.category.code == code and case.urgency == "2h"
    assert case.due_at - case.accepted_at == timedelta(hours=2)


def test_the_channels_own_category_and_urgency_win(catalogue):
    case = intake(_hotline(GAS, category_code="C0101", urgency="24h")).case
    assert case.category.code == "C0101" and case.urgency == "24h"


def test_a_batch_is_labelled_in_one_pass_and_only_where_no_category_was_given(catalogue):
    subs = [_hotline(ROAD), _hotline(ROAD, category_code="C0101"), _hotline(GAS)]
    codes = classify_many(subs)
    assert codes[1] == "C0101" and codes[0] and codes[2]
    assert [s.urgency for s in subs] == ["", "", "2h"]


def test_hotline_rows_without_a_category_are_classified_at_import(catalogue, tmp_path):
    code = _category_for(GAS)
    path = tmp_path / "calls.csv"
    path.write_text(f"工单编号,诉求内容,经度,纬度\nG1,{GAS},{GRID_A[0]},{GRID_A[1]}\n", encoding="utf-8")
    assert import_file(path).created == 1
    from finegrid.cases.models import Case

    case = Case.objects.get(external_id="G1")
    assert case.category.code == code and case.urgency == "2h" and case.state in ("accepted", "dispatched")
