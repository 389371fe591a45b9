"""Targets read from a task's words: number, unit and comparison ("社会消费品零售总额突破300亿元"
→ 社会消费品零售总额 ≥ 300 亿元; "新增城镇就业4500人"; "城镇调查失业率控制在5%以内" → ≤ 5 %)."""

import re

from ..outline import Target
from .numerals import chinese_to_int

# Longest first, so 万平方米 wins over 平方米 and 个百分点 over 个.
UNITS = sorted(
    "亿元 万元 元 万美元 亿美元 万人次 人次 万人 人 万户 户 万个 个百分点 个 家 项 所 座 条 处 套 间 张 台 辆 "
    "万平方米 平方米 平方公里 公里 千米 米 万亩 亩 公顷 万吨 吨 万千瓦时 千瓦时 万千瓦 千瓦 件 场 栋 名 支 批 "
    "% ％ ‰ 倍 微克 天 小时 分钟 个工作日 工作日 床 张床位 万标箱 标箱 艘 架 部 篇 门 类".split(), key=len, reverse=True)
NUMBER = r"\d+(?:\.\d+)?|[一二两三四五六七八九十]{1,3}"
# A figure: number, unit, and a qualifier after it (以上 / 左右 / 以内 …).
FIGURE = re.compile(rf"({NUMBER})(余)?({'|'.join(map(re.escape, UNITS))})(以上|左右|以内|以下|之内|内)?")
# Words right before the figure, with what they compare; 增长 / 下降 keep their word in the indicator.
COMPARATORS = [
    ("不低于", ">="), ("不少于", ">="), ("不超过", "<="), ("不高于", "<="),
    ("控制在", "<="), ("低于", "<"), ("压降至", "<="), ("降至", "<="), ("降到", "<="), ("突破", ">="), ("超过", ">"), ("达到", ">="), ("达", ">="),
    ("提高到", ">="), ("提升至", ">="), ("提高至", ">="), ("提升到", ">="), ("保持在", "="), ("稳定在", "="), ("保持", "="),
    ("完成", ">="), ("实现", ">="), ("力争", ">="), ("确保", ">="), ("为", "="), ("至", "="),
]
RELATIVE = [("增长", ">="), ("增加", ">="), ("提高", ">="), ("提升", ">="), ("下降", ">="), ("降低", ">="),
            ("减少", ">="), ("扩大", ">="), ("压减", ">="), ("压降", ">=")]
QUALIFIERS = {"以上": ">=", "左右": "=", "以内": "<=", "以下": "<=", "之内": "<=", "内": "<="}
# Counts of things achieved are floors: "新增城镇就业4500人" means at least 4,500.
ACHIEVEMENT_WORDS = ("新增", "新建", "建成", "完成", "实现", "引进", "招引", "培育", "开工", "改造", "新开工",
                     "创成", "打造", "累计", "帮扶", "安置", "发放", "举办", "开展", "招聘", "提供", "整治")
# Stripped from the front of an indicator: they say when or how hard, not what.
LEAD_WORDS = sorted("全年 今年 年内 年底前 上半年 力争 确保 努力 预计 争取 实现 完成 全区 其中 同比 比上年 较上年 "
                    "累计 全面 持续 加快 着力 进一步 分别 同时 并 和 及 以及 要 将".split(), key=len, reverse=True)
# Verbs a count follows ("安装200台空调", "为2.5万名妇女提供检查" does not count: the verb comes after).
COUNTING_VERBS = tuple(set(ACHIEVEMENT_WORDS) | set(
    "建设 新建改建 改建 扩建 安装 增配 配备 开设 打造 培训 培养 筛查 招聘 提升 升级改造 建设改善 筹措 供应 认定 "
    "募集 创建 整治 修缮 疏浚 加装 实施 启动 布局 组建 引育 兑现 出清 盘活 投用 命名 评选 提供 新开".split()))
# What a report counts without setting a target: "落实14条意见", "八项规定", "三个方面".
NOT_COUNTED = ("意见", "措施", "举措", "条例", "规定", "办法", "精神", "要求", "方面", "大类", "方案", "文件")
# A list's own marks before the words: "1.", "（三）", "▶", "*".
MARKER = re.compile(r"^(?:\d+[.．、]|（[一二三四五六七八九十\d]+）|[▶•·*＊\s])+")
BOUNDARY = "，,。；;：:！？!?（）()\n"
FIGURE_BEFORE = re.compile(rf"(?:{NUMBER})(?:{'|'.join(map(re.escape, UNITS))})(?:以上|左右|以内|以下)?$")
NOT_A_TARGET_AFTER = re.compile(r"[\u4e00-\u9fff]")  # "14条意见": a figure followed by a noun names, it does not count


def targets(text: str) -> list[Target]:
    found, verb = [], ""
    for match in FIGURE.finditer(text):
        target, verb = _target(text, match, verb)
        if target:
            found.append(target)
    return found


def _target(text: str, match: re.Match, verb: str = "") -> tuple[Target | None, str]:
    """The target at a figure, and the verb that counts it (a list "新增1家食堂、3家照护之家" shares it)."""
    number, more, unit, qualifier = match.groups()
    value = _value(number)
    if value is None or _is_a_date(text, match):
        return None, verb
    start = _clause_start(text, match.start())
    if text[start:match.start()].strip("*＊ ") == "" and start > 0 and text[start - 1] in "、和及":
        counted = _counted_thing(text, match, start, value, unit, verb)  # "…、3家乡村长者照护之家"
        return counted, verb
    target = _figure(text, match, start, value)
    if target is None and match.end() < len(text) and (NOT_A_TARGET_AFTER.match(text[match.end()]) or text[match.end()] in "“\""):
        target = _counted_thing(text, match, start, value, unit, "")
    if target:
        verb = _last_verb(text[start:match.start()]) or verb
    return target, verb


def _figure(text: str, match: re.Match, start: int, value: float) -> Target | None:
    number, more, unit, qualifier = match.groups()
    before = text[start:match.start()]
    word, comparator, relative = _comparison(before)
    after = text[match.end():match.end() + 1]
    spelled = not number[0].isdigit()  # "最后一公里", "一张网": a spelled number counts only after a verb
    if qualifier and after and NOT_A_TARGET_AFTER.match(after):
        return None  # "亿元以上项目", "56人以上大班额": the figure describes the thing, it is not the target
    if spelled and not word or after and (NOT_A_TARGET_AFTER.match(after) or after in "“\""):
        return None  # a count of a thing named after it: "新建3所幼儿园", see _counted_thing
    indicator = _indicator(before[: len(before) - len(word)] + (word if relative else ""))
    if not indicator:
        return None
    if qualifier:
        comparator = QUALIFIERS[qualifier]
    elif more:
        comparator = ">="
    elif not word:
        comparator = ">="  # a plan's bare figure is a floor: "新增城镇就业4500人" means at least 4,500
    return Target(text=text[start:match.end()].strip(), indicator=indicator, value=value, unit=_unit(unit), comparator=comparator)


def _counted_thing(text: str, match: re.Match, start: int, value: float, unit: str, verb: str) -> Target | None:
    """A verb, a count and the thing counted: "改造10个老旧小区" → 改造老旧小区 ≥ 10 个; in a list the
    verb of the first item counts the next ones."""
    before = text[start:match.start()].strip()
    if match.group(4) or unit in ("%", "％", "‰", "倍"):
        return None
    if not before.endswith(COUNTING_VERBS) and not verb:
        return None  # "完成小区二期336户…改造": the verb too far from its count to be sure
    end, quoted = match.end(), False
    while end < len(text) and (text[end] not in BOUNDARY + "、和" or quoted) and end - match.end() < 24:
        quoted = quoted != (text[end] in "“”\"") if text[end] != "”" else False
        end += 1
    thing = text[match.end():end].strip()
    if len(thing) < 2 or thing.startswith(NOT_COUNTED):
        return None
    indicator = _indicator((before.strip("*＊ ") or verb) + thing)
    return Target(text=text[start:end].strip(), indicator=indicator, value=value, unit=_unit(unit), comparator=">=")


def _last_verb(words: str) -> str:
    """The last verb of action in the words, if any: what a count after them counts."""
    best, at = "", -1
    for verb in COUNTING_VERBS:
        found = words.rfind(verb)
        if found > at or found == at >= 0 and len(verb) > len(best):
            best, at = verb, found
    return best


def _clause_start(text: str, position: int) -> int:
    """Back to the punctuation before; a 、 counts only after another figure ("改造小区42个、加装电梯120部")."""
    start = position
    while start > 0 and text[start - 1] not in BOUNDARY and position - start < 40:
        if text[start - 1] == "、" and FIGURE_BEFORE.search(text, max(0, start - 16), start - 1):
            break
        if text[start - 1] in "、和及" and text[start:position].strip("*＊ ") == "":
            break  # the next count of a list: "新增1家食堂、3家照护之家"
        start -= 1
    return start


def _comparison(before: str) -> tuple[str, str, bool]:
    """(the word, its comparator, whether it is a change) ending the words before the figure."""
    for word, comparator in RELATIVE:
        if before.endswith(word):
            return word, comparator, True
    for word, comparator in COMPARATORS:
        if before.endswith(word):
            return word, comparator, False
    return "", "=", False


def _indicator(words: str) -> str:
    words = MARKER.sub("", words.strip())
    changed = True
    while changed and words:
        changed = False
        for lead in LEAD_WORDS:
            if words.startswith(lead) and len(words) > len(lead):
                words, changed = words[len(lead):], True
    for trailing in ("达到", "达", "为", "至", "在"):
        if words.endswith(trailing) and len(words) > len(trailing) + 1:
            words = words[: -len(trailing)]
    return words.strip()


def _value(number: str) -> float | None:
    if number[0].isdigit():
        return float(number)
    value = chinese_to_int(number)
    return float(value) if value is not None else None


def _is_a_date(text: str, match: re.Match) -> bool:
    """"3个月", "第3批" and "两年" are times or ranks, not figures."""
    after = text[match.end(3):match.end(3) + 1]
    return after in ("月", "年", "周") and bool(after) or text[max(0, match.start() - 1):match.start()] == "第"


def _unit(unit: str) -> str:
    return "%" if unit == "％" else unit
