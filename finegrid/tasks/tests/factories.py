"""A small tree written for the tests (not any real report): two sections, three checkable clauses."""

from datetime import UTC, datetime

from finegrid.tasks.outline import Node, Outline, Source, Target

TEXT = ("一、稳增长\n一是推动园区扩容，年底前建成标准厂房10万平方米。二是加快城管执法改革。\n"
        "二、惠民生\n新增城镇就业4500人。")
START = datetime(2026, 1, 5, 1, tzinfo=UTC)


def at(text: str) -> Source:
    start = TEXT.index(text)
    return Source(start, start + len(text))


def outline(lead="区城市管理局", co=("区住房和城乡建设局",)) -> Outline:
    first = Node("一是", "推动园区扩容，年底前建成标准厂房10万平方米", 2, at("一是推动园区扩容，年底前建成标准厂房10万平方米。"),
                 lead_unit=lead, co_units=list(co), deadline="2026-12-31",
                 targets=[Target("建成标准厂房10万平方米", "标准厂房", 10, "万平方米", ">=")])
    second = Node("二是", "加快城管执法改革", 2, at("二是加快城管执法改革。"), lead_unit="区城市管理局", deadline="2026-06-30")
    third = Node("1", "新增城镇就业4500人", 2, at("新增城镇就业4500人。"), lead_unit="区住房和城乡建设局")
    return Outline(TEXT, [Node("一", "稳增长", 1, at("一、稳增长"), children=[first, second]),
                          Node("二", "惠民生", 1, at("二、惠民生"), children=[third])])
