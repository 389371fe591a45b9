"""The worker's insight step: labels for new cases, and a night's retrain after corrections."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from finegrid.cases.reporting import open_case
from finegrid.insight import learning, schedule, store
from finegrid.insight.models import CaseLabels

SHANGHAI = ZoneInfo("Asia/Shanghai")
NIGHT = datetime(2026, 11, 27, 3, 20, tzinfo=SHANGHAI)
AFTERNOON = datetime(2026, 11, 27, 15, 20, tzinfo=SHANGHAI)


def _case(title, text):
    return open_case(channel="hotline", title=title, description=text, now=timezone.now())


def test_the_step_labels_the_newest_cases_without_labels_a_batch_at_a_time(tiny, models_folder, small_model,
                                                                          monkeypatch):
    store.save(small_model, "test")
    monkeypatch.setattr(schedule, "LABELS_PER_STEP", 2)
    older = _case("路灯不亮", "跃进路路灯坏了一个月")
    newer = [_case("噪音扰民", "楼下KTV噪音到凌晨"), _case("燃气泄漏", "楼道里有很浓的煤气味")]
    assert schedule.step(AFTERNOON) == {"labelled": 2, "retrained": 0}
    assert set(CaseLabels.objects.values_list("case_id", flat=True)) == {c.pk for c in newer}
    assert CaseLabels.objects.get(case=newer[1]).urgency == "紧急"
    assert schedule.step(AFTERNOON)["labelled"] == 1 and CaseLabels.objects.filter(case=older).exists()
    assert schedule.step(AFTERNOON)["labelled"] == 0


def test_a_correction_is_learnt_the_next_night_and_only_once(tiny, models_folder, monkeypatch):
    monkeypatch.setattr(store, "SEED_SIZE", 400)
    store.build_seed(400)
    case = _case("噪音", "楼下KTV噪音到凌晨")
    assert schedule.step(NIGHT)["retrained"] == 0  # nothing corrected: the seed model stays
    learning.record_correction(text=case.description, title=case.title, case=case, topic="环境保护")
    assert schedule.step(AFTERNOON)["retrained"] == 0  # not in the day
    assert schedule.step(NIGHT)["retrained"] == 1
    assert store.registry()["active"] == 2 and store.registry()["versions"][-1]["records"] == 1
    assert schedule.step(NIGHT)["retrained"] == 0  # the same correction is not learnt twice
