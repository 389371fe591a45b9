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
        "煤气 燃气 天然气 液化气 瓦斯 漏气 气味刺鼻 一氧化碳 沼气 烧炭 煤炉",
        r"(煤气|燃气|天然气|液化气|瓦斯|沼气)[^。！？]{0,10}(味|泄漏|泄露|漏气|漏了|爆炸|中毒|嘶嘶|滋滋|冒火)|漏气|气味刺鼻|一氧化碳中毒"
        r"|烧炭|煤炉[^。！？]{0,12}(叫不醒|昏|晕)",
    ),
    "fire": (
        "着火 起火 失火 火灾 火势 冒烟 浓烟 烧起来 火苗 冒火 爆燃 爆炸 火星 火光 黑烟 黄烟 白烟 巨响 爆表",
        r"着火|起火|失火|火灾(?!隐患|演练)|火势|冒烟|浓烟|烧起来|火苗|冒火|爆燃|爆炸|火星|火光|[黑黄白]烟|巨响|爆表",
    ),
    "collapse": (
        "倒塌 坍塌 塌陷 垮塌 塌方 摇摇欲坠 随时 倒了 倾斜 要倒 坠落 掉下来 塌下 塌了 往下掉 滚下来 滚落 下沉 外鼓 半悬 断了 断裂",
        r"倒塌|坍塌|塌陷|垮塌|塌方|摇摇欲坠|随时(可能)?(倒|掉|塌|砸)"
        r"|(墙|楼|房|树|广告牌|脚手架)[^。！？]{0,6}(倒了|倾斜|要倒)|坠落|掉下来砸|塌下|塌了|往下掉|滚下来|滚落|下沉|外鼓|半悬"
        r"|(螺丝|钢丝|吊臂|钢索|缆绳|护栏)[^。！？]{0,4}(断了|断裂)",
    ),
    "flood": (
        "被淹 淹了 淹没 进水了 漫进 倒灌 内涝 洪水 决口 管涌 溃堤 水位暴涨 爆裂 爆了 冲垮 冲毁 冲走 渗水 困在",
        r"(?<!菜地)被淹|(?<!菜地)淹了|淹没|进水了|漫进|倒灌|内涝|洪水|决口|管涌|溃堤|水位暴涨|(水管|主管|管道)[^。！？]{0,4}爆(裂|了)"
        r"|冲垮|冲毁|冲走|(堤|坝|挡土墙)[^。！？]{0,6}渗水|困在[^。！？]{0,4}(水|车)里",
    ),
    "chemical": (
        "危化品 危险化学品 化学品 有毒气体 毒气 槽罐车 罐车 易燃易爆 氯气 氨气 硫化氢 硫酸 汽油 柴油 油污 农药",
        r"危化品|危险化学品|化学品[^。！？]{0,4}(泄漏|泄露)|有毒气体|毒气|(槽罐车|罐车)[^。！？]{0,6}(翻|漏|撞)|易燃易爆|氯气|氨气|硫化氢"
        r"|(硫酸|汽油|柴油|油)[^。！？]{0,8}(漏|流了一地|破了|泄|味)|(囤|存|堆)[^。！？]{0,6}(汽油|柴油|液化气|烟花|鞭炮|炸药)|大片油污"
        r"|(喝|服|吃)了?[^。！？]{0,2}农药",
    ),
    "person": (
        "走失 失踪 找不到 联系不上 不见了 跳楼 轻生 自杀 持刀 砍人 伤人 被困 困在 昏迷 晕倒 没有反应 没有呼吸 溺水 掉进 电梯 没回 没有回 寻短见 想不开 呼救 救命 挣扎 咬伤 围殴 打伤 流血 是血 中风 一动不动 叫不醒 误喝 误服 爬上 困了 半空 撬 走丢 走散 跳下 摔进 掉进 卷进 陷下 拿着刀 拿刀 敲门不 没见 流了 晃 快掉 要掉",
        r"走失|失踪|找不到(人|孩子|老人)|联系不上|(人|孩子|老人)[^。！？]{0,4}不见了|跳楼|轻生|自杀|持刀|砍人|伤人"
        r"|被困|困在|昏迷|晕倒|没有(反应|呼吸)|溺水|掉进|电梯[^。！？]{0,8}(卡住|卡在|关着|关在|困|停在|下坠|坠落)"
        r"|(还|到现在|一直)[^。！？]{0,4}没(有)?回(来|家)|寻短见|想不开|呼救|救命|挣扎|咬伤|围殴|打伤|流血|是血|中风|一动不动|叫不醒"
        r"|误(喝|服|食)|爬上[^。！？]{0,6}(塔|楼顶|屋顶|桥)|困了|(停|卡)在半空|撬[^。！？]{0,6}(门|车|锁)|走丢|走散"
        r"|(跳|摔|掉|陷|卷)(下去|进去)|拿着?刀|敲门不(应|开)|没见(人|到人)|流了[^。！？]{0,4}血|(整栋|楼)[^。！？]{0,4}晃|(快|要)掉(了|下来)",
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
