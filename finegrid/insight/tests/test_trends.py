from datetime import date, datetime, timedelta

from finegrid.insight.trends import Row, emerging_terms, hot_issues, hotspots, month_bounds, weekly_counts

MONDAY = date(2026, 10, 12)


def _rows(grid, topic, week_counts, **extra):
    rows = []
    for weeks_back, count in week_counts.items():
        day = MONDAY - timedelta(weeks=weeks_back)
        rows += [Row(datetime(day.year, day.month, day.day, 10), topic, grid_code=grid, **extra) for _ in range(count)]
    return rows


def test_a_quiet_cell_that_jumps_is_a_hotspot_and_a_busy_steady_one_is_not():
    quiet = _rows("G1", "环境保护", {0: 5, 3: 1})
    busy = _rows("G2", "环境保护", {0: 10, **{w: 9 for w in range(1, 9)}})
    found = hotspots(quiet + busy, MONDAY)
    assert [(h.grid_code, h.count) for h in found] == [("G1", 5)]
    assert found[0].p_value < 0.001 and found[0].baseline == 0.19


def test_too_few_reports_are_never_a_hotspot():
    assert hotspots(_rows("G1", "环境保护", {0: 2}), MONDAY) == []


def test_a_word_that_rises_emerges_and_a_steady_one_does_not():
    before = [["路灯", "不亮"]] * 50 + [["噪音"]] * 50
    now = [["路灯", "不亮"]] * 10 + [["共享单车", "乱停"]] * 12 + [["噪音"]] * 10
    terms = emerging_terms(now, before)
    assert {t.term for t in terms} == {"共享单车", "乱停"}
    assert all(t.before == 0 and t.count == 12 for t in terms)


def test_hot_issues_rank_recurring_multi_unit_topics_first():
    rows = []
    for month in range(4, 11):
        day = datetime(2026, month, 10, 9)
        rows += [Row(day, "城乡建设", "城市建设和市政管理", unit=f"u{i % 3}", street_code=f"s{i % 2}") for i in range(5)]
    rows += [Row(datetime(2026, 10, 11, 9), "教育文体", "考试招生", unit="u9") for _ in range(6)]
    issues = hot_issues(rows, "2026-10")
    assert [i.topic for i in issues] == ["城乡建设", "教育文体"]
    assert (issues[0].months_recurring, issues[0].units, issues[0].streets) == (6, 3, 2)
    assert issues[1].months_recurring == 0


def test_month_bounds_and_a_bad_month():
    assert month_bounds("2026-12") == (date(2026, 12, 1), date(2027, 1, 1))
    try:
        month_bounds("October")
    except ValueError as error:
        assert "2026-10" in str(error)
    else:
        raise AssertionError("a bad month was accepted")


def test_weekly_counts_per_topic():
    rows = _rows("G1", "环境保护", {0: 2, 1: 1})
    assert weekly_counts(rows, MONDAY - timedelta(weeks=1), MONDAY + timedelta(days=7), ["环境保护"]) == {"环境保护": [1, 2]}


def test_place_names_stay_one_word_once_the_gazetteer_is_known():
    from finegrid.insight.words import use_gazetteer, words

    use_gazetteer(["琼花观社区", "渡江南路"])
    assert "琼花观社区" in words("琼花观社区门口渡江南路的路灯不亮")
    assert "渡江南路" in words("琼花观社区门口渡江南路的路灯不亮")
