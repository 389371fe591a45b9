"""Danger words that make an appeal 紧急 whatever the model says.

A 紧急 appeal takes the 2-hour path, and missing one costs far more than a false alarm that an
operator downgrades, so urgency is the union of this lexicon and the model (with a low
threshold). The lexicon is written as situations (gas smell, fire, collapse, flooding,
hazardous chemicals, a person missing or in danger), each a regular expression with the
literal words that any match of it must contain: an Aho-Corasick automaton finds those words
in one pass, and only a text that has one is searched with the expressions (most have none)."""

import re

import ahocorasick

# kind → (trigger words, pattern). Every match of the pattern contains a trigger word.
DANGERS = {
    "gas": (
        "煤气 燃气 天然气 液化气 瓦斯 漏气 气味刺鼻 一氧化碳",
        r"(煤气|燃气|天然气|液化气|瓦斯)[^。！？]{0,8}(味|泄漏|泄露|漏气|漏了|爆炸|中毒)|漏气|气味刺鼻|一氧化碳中毒",
    ),
    "fire": (
        "着火 起火 失火 火灾 火势 冒烟 浓烟 烧起来 火苗 冒火 爆燃 爆炸",
        r"着火|起火|失火|火灾(?!隐患|演练)|火势|冒烟|浓烟|烧起来|火苗|冒火|爆燃|爆炸",
    ),
    "collapse": (
        "倒塌 坍塌 塌陷 垮塌 塌方 摇摇欲坠 随时 倒了 倾斜 要倒 坠落 掉下来",
        r"倒塌|坍塌|塌陷|垮塌|塌方|摇摇欲坠|随时(可能)?(倒|掉|塌|砸)"
        r"|(墙|楼|房|树|广告牌|脚手架)[^。！？]{0,6}(倒了|倾斜|要倒)|坠落|掉下来砸",
    ),
    "flood": (
        "被淹 淹了 淹没 进水了 漫进 倒灌 内涝 洪水 决口 管涌 溃堤 水位暴涨 爆裂 爆了",
        r"被淹|淹了|淹没|进水了|漫进|倒灌|内涝|洪水|决口|管涌|溃堤|水位暴涨|(水管|主管|管道)[^。！？]{0,4}爆(裂|了)",
    ),
    "chemical": (
        "危化品 危险化学品 化学品 有毒气体 毒气 槽罐车 罐车 易燃易爆",
        r"危化品|危险化学品|化学品[^。！？]{0,4}(泄漏|泄露)|有毒气体|毒气|(槽罐车|罐车)[^。！？]{0,6}(翻|漏)|易燃易爆",
    ),
    "person": (
        "走失 失踪 找不到 联系不上 不见了 跳楼 轻生 自杀 持刀 砍人 伤人 被困 困在 昏迷 晕倒 没有反应 没有呼吸 溺水 掉进 电梯",
        r"走失|失踪|找不到(人|孩子|老人)|联系不上|(人|孩子|老人)[^。！？]{0,4}不见了|跳楼|轻生|自杀|持刀|砍人|伤人"
        r"|被困|困在|昏迷|晕倒|没有(反应|呼吸)|溺水|掉进|电梯[^。！？]{0,8}(卡住|卡在|关着|关在|困|停在|下坠|坠落)",
    ),
    "electric": (
        "电线 高压线 触电 漏电伤人",
        r"(电线|高压线)[^。！？]{0,6}(断|掉|落|垂|冒火)|触电|漏电伤人",
    ),
    "injury": (
        "多人 很多人 受伤流血 生命危险 危及生命",
        r"(多人|很多人)[^。！？]{0,6}(呕吐|中毒|送医)|受伤流血|生命危险|危及生命",
    ),
}
# Talk about danger that is not happening now: a drill, an inspection, something already fixed.
CALM = re.compile(r"演练|检查(时间|规定)|年检|已经(处理|整改|修好|解决)|去年|上个月|隐患排查")
PATTERNS = {kind: re.compile(pattern) for kind, (_, pattern) in DANGERS.items()}


def _automaton() -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for kind, (words, _) in DANGERS.items():
        for word in words.split():
            kinds = automaton.get(word, set())
            automaton.add_word(word, kinds | {kind})
    automaton.make_automaton()
    return automaton


TRIGGERS = _automaton()


def danger_signs(text: str) -> list[str]:
    """The kinds of danger named in the text, e.g. ["fire", "gas"]; empty when none."""
    kinds = {kind for _, found in TRIGGERS.iter(text) for kind in found}
    return sorted(kind for kind in kinds if PATTERNS[kind].search(text))


def is_calm_context(text: str) -> bool:
    return bool(CALM.search(text))
