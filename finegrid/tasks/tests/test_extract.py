"""Targets, named projects and deadlines read from a task's words."""

import pytest

from finegrid.tasks.decompose.extract import deadline, projects, targets


@pytest.mark.parametrize("text,expected", [
    ("社会消费品零售总额突破300亿元", [("社会消费品零售总额", ">=", 300, "亿元")]),
    ("新增城镇就业4500人", [("新增城镇就业", ">=", 4500, "人")]),
    ("开工率达到80%", [("开工率", ">=", 80, "%")]),
    ("城镇调查失业率控制在5%以内", [("城镇调查失业率", "<=", 5, "%")]),
    ("地区生产总值增长6%左右", [("地区生产总值增长", "=", 6, "%")]),
    ("满意率不低于95%", [("满意率", ">=", 95, "%")]),
    ("改造老旧小区42个、加装电梯120部", [("改造老旧小区", ">=", 42, "个"), ("加装电梯", ">=", 120, "部")]),
    ("新建3所幼儿园", [("新建幼儿园", ">=", 3, "所")]),
    ("开展职业技能培训1.2万人次", [("开展职业技能培训", ">=", 1.2, "万人次")]),
    ("引进亿元以上项目30个", [("引进亿元以上项目", ">=", 30, "个")]),
])
def test_targets(text, expected):
    assert [(t.indicator, t.comparator, t.value, t.unit) for t in targets(text)] == expected


@pytest.mark.parametrize("text", ["落实区作风建设14条意见", "切实打通服务群众“最后一公里”", "用3个月时间开展整治",
                                  "推动“1+4”园区抱团发展", "新开工亿元以上产业项目"])
def test_what_is_not_a_target(text):
    assert targets(text) == []


@pytest.mark.parametrize("text,expected", [
    ("加快实施瑞丰轴承、江淮隔膜等在建重点项目", ["瑞丰轴承", "江淮隔膜"]),
    ("加快开发区滨江智造产业园建设", ["开发区滨江智造产业园"]),
    ("推进渡江路改造、文昌路跨河节点工程等重点项目", ["渡江路改造", "文昌路跨河节点工程"]),
    ("打响招商“春雷会战”", ["招商“春雷会战”"]),
    ("大力实施“三百攻坚”行动", ["“三百攻坚”行动"]),
    ("高质量打造“智慧社区”", ["智慧社区"]),
    ("加速推进邻里中心、社区食堂、老年大学建设", ["邻里中心", "社区食堂", "老年大学"]),
])
def test_projects(text, expected):
    assert projects(text) == expected


@pytest.mark.parametrize("text,expected", [
    ("年底前完成", "2026-12-31"), ("6月底前开工", "2026-06-30"), ("上半年建成", "2026-06-30"),
    ("一季度启动", "2026-03-31"), ("三季度末前完成", "2026-09-30"), ("年内建成", "2026-12-31"),
    ("9月15日前交付", "2026-09-15"), ("一季度开工、年底前建成", "2026-12-31"), ("持续推进", ""),
    ("二月底前完成", "2026-02-28"),
])
def test_deadlines(text, expected):
    assert deadline(text, 2026) == expected
