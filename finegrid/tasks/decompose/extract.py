"""What a task's words name: targets with number, unit and comparison, named projects, parks and
campaigns, places of the gazetteer, and a deadline on the report's year.

Pure functions of the text; places come from any object with the gazetteer's `mentions(text)`
or from a plain list of names, so the decomposer runs without a database."""

import calendar
import re
import weakref
from datetime import date

from ..outline import Target
from .numerals import chinese_to_int

# --- targets ---------------------------------------------------------------------------

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


# --- named projects, parks and campaigns -----------------------------------------------

# A name ends with what it names; "…等重点项目" closes a list of names before it.
NAME_SUFFIXES = sorted(
    "产业园区 产业园 科技园 工业园 园区 创新中心 金融城 产业基地 基地 项目 工程 会战 行动 攻坚 改造 示范带 "
    "示范区 综合体 街区 小镇 片区 中心 大讨论 大走访 馆 公园 广场 大道 快速路 隧道 大桥 枢纽 专项 计划 工作站".split(),
    key=len, reverse=True)
LIST_CLASSES = ("重点项目", "重特大项目", "在建重特大项目", "重大项目", "项目", "工程", "园区", "产业园", "综合体",
                "科创综合体", "节点", "载体", "平台", "片区", "街区", "场馆", "设施")
QUOTED = re.compile(r"[“\"‘'「]([^”\"’'」]{2,14})[”\"’'」]")
# A quoted name is a campaign or project when a suffix follows or the verb before it launches it.
QUOTE_LAUNCHERS = ("打造", "打响", "实施", "开展", "创建", "推进", "启动", "建设", "开启", "举办", "深化", "构建")
NAME_STOPWORDS = sorted(
    "加快 推动 推进 实施 建设 高效 持续 全力 大力 积极 着力 全面 深入 进一步 促进 提升 打造 打响 开展 强化 "
    "完成 启动 开工 建成 创建 以 在 对 将 和 及 与 并 等 的 抓好 做好 围绕 依托 聚焦 利用 提速 加速 加大 新建 "
    "改建 续建 谋划 招引 落地 引进 培育 争创 用好 重点 省级 市级 区级 全区 一批 各类 配套 重大 串联 融入 "
    "紧扣 承接 立足 全域 优化 完善 扎实 提质 高质量 高标准 高水平 构建 开启 加速推进 紧盯 落实 编制 建立 实现 深化 打好 "
    "年底前 年内 上半年 下半年 秋季开学前 完成 建成 其中".split(), key=len, reverse=True)
ENUMERATOR_PREFIX = re.compile(r"^[一二三四五六七八九十]{1,2}是")
GENERIC_NAME = re.compile(r"\d|以上|亿元|万元")  # "新开工亿元以上产业项目" is a class of projects, not one
KEEP_PREFIXES = ("省级", "市级", "区级", "国家")  # part of a name when a name follows ("省级城市更新试点项目")
CHUNK = re.compile(r"[^，,。；;：:！？!?\n（）()]+")


def projects(text: str) -> list[str]:
    found: list[str] = []
    for chunk in CHUNK.finditer(text):
        part = chunk.group(0)
        for name in _listed_names(part) + _built_names(part) + _suffixed_names(part) + _quoted_names(part):
            if name not in found and not any(name in other and name != other for other in found):
                found = [other for other in found if other not in name] + [name]
    return found


def _listed_names(chunk: str) -> list[str]:
    """"恒润冷轧、扬力铸锻等在建重特大项目" → 恒润冷轧, 扬力铸锻."""
    match = re.search(r"等([\u4e00-\u9fff]{0,6}?)(" + "|".join(sorted(LIST_CLASSES, key=len, reverse=True)) + ")", chunk)
    if not match or "、" not in chunk[:match.start()]:
        return []
    names = [_strip_name(item) for item in chunk[:match.start()].split("、")]
    return [name for name in names if len(name) >= 2]


BUILT = re.compile(r"^(?:[\u4e00-\u9fff]{0,6}?)(?:推进|推动|实施|完成|启动|加快)(.+、.+?)(?:建设|改造|转型升级|提升改造)$")


def _built_names(chunk: str) -> list[str]:
    """"加速推进颐养社区、区公共卫生服务中心、福利院建设": what a list of things is built or rebuilt."""
    match = BUILT.match(chunk.strip())
    if not match:
        return []
    return [name for name in (_strip_name(item) for item in match.group(1).split("、")) if len(name) >= 3]


def _suffixed_names(chunk: str) -> list[str]:
    """"加快经开区中欧智能制造产业园建设" → 经开区中欧智能制造产业园: the last suffix, then the longest."""
    names = []
    for item in re.split(r"[、和及与]", chunk.split("等")[0] if _listed_names(chunk) else chunk):
        ends = [(item.rfind(s) + len(s), len(s)) for s in NAME_SUFFIXES if s in item]
        if not ends:
            continue
        end, length = max(ends)
        name = _strip_name(item[:end])
        if len(name) - length >= 2 and "等" not in name and not name.startswith(tuple(LIST_CLASSES)) \
                and not GENERIC_NAME.search(name):
            names.append(name)
    return names


def _quoted_names(chunk: str) -> list[str]:
    names = []
    for match in QUOTED.finditer(chunk):
        before, after = chunk[: match.start()], chunk[match.end():]
        suffix = next((s for s in NAME_SUFFIXES if after.startswith(s)), None)
        if suffix:
            names.append(_strip_name(before[-4:].split("、")[-1] + match.group(0) + suffix))
        elif match.group(1).endswith(tuple(NAME_SUFFIXES)):
            names.append(_strip_name(before[-4:].split("、")[-1] + match.group(0)))
        elif before.endswith(QUOTE_LAUNCHERS):
            names.append(match.group(1))
    return [n for n in names if len(n) >= 2]


def _strip_name(words: str) -> str:
    words = ENUMERATOR_PREFIX.sub("", words.strip().strip("，,、 "))
    changed = True
    while changed and words:
        changed = False
        if words.startswith(KEEP_PREFIXES) and len(words) > 4:
            break
        for stop in NAME_STOPWORDS:
            if words.startswith(stop) and len(words) > len(stop) + 1:
                words, changed = words[len(stop):], True
                break
    for tail in ("建设", "转型升级", "运营", "等"):
        if words.endswith(tail) and len(words) > len(tail) + 2:
            words = words[: -len(tail)]
    return words


# --- places ------------------------------------------------------------------------------


class NameList:
    """The gazetteer's interface over a plain list of names, for use without a database."""

    def __init__(self, names):
        self.names = sorted({n for n in names if len(n) >= 2}, key=len, reverse=True)

    def names_in(self, text: str) -> list[str]:
        found, taken = [], [False] * len(text)
        for name in self.names:
            for match in re.finditer(re.escape(name), text):
                if not any(taken[match.start():match.end()]):
                    taken[match.start():match.end()] = [True] * len(name)
                    found.append((match.start(), name))
        return [name for _, name in sorted(found)]


def places(text: str, gazetteer=None) -> list[str]:
    """Places named in the text, in order, each once: through the gazetteer's `mentions` or a
    NameList. A town or street is named by its stem as often as in full (头桥 for 头桥镇)."""
    if gazetteer is None:
        return []
    if isinstance(gazetteer, NameList):
        return list(dict.fromkeys(gazetteer.names_in(text)))
    found = [(m.start, m.end, m.place.name) for m in gazetteer.mentions(text) if m.place.kind != "district"]
    taken = [(start, end) for start, end, _ in found]
    pattern, full_names = _stems(gazetteer)
    for match in pattern.finditer(text) if full_names else ():
        if not any(a < match.end() and match.start() < b for a, b in taken):
            found.append((match.start(), match.end(), full_names[match.group(0)]))
    return list(dict.fromkeys(name for _, _, name in sorted(found)))


STREET_SUFFIXES = ("街道", "镇", "乡")
_STEMS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()  # gazetteer → (pattern, stem → name)


def _stems(gazetteer) -> tuple[re.Pattern, dict[str, str]]:
    """One pattern over the stems of the gazetteer's streets and towns, built once per gazetteer."""
    if gazetteer not in _STEMS:
        stems = {}
        for name, found in getattr(gazetteer, "by_name", {}).items():
            if any(place.kind == "street" for place in found) and name.endswith(STREET_SUFFIXES):
                stem = name[: -2] if name.endswith("街道") else name[:-1]
                if len(stem) >= 2 and stem not in gazetteer.by_name:
                    stems.setdefault(stem, name)
        _STEMS[gazetteer] = (re.compile("|".join(sorted(map(re.escape, stems), key=len, reverse=True))), stems)
    return _STEMS[gazetteer]


# --- deadlines -------------------------------------------------------------------------

MONTH = r"(\d{1,2}|[一二三四五六七八九十]{1,3})"
DEADLINES = [
    (re.compile(r"(\d{4})年底"), lambda m, y: date(int(m.group(1)), 12, 31)),
    (re.compile(MONTH + r"月(\d{1,2})日前"), lambda m, y: _day(y, m.group(1), int(m.group(2)))),
    (re.compile(MONTH + r"月(?:底|末|份)前?"), lambda m, y: _month_end(y, m.group(1))),
    (re.compile(MONTH + r"月前"), lambda m, y: _month_end(y, m.group(1), before=True)),
    (re.compile(r"(?:第)?([一二三四1-4])季度"), lambda m, y: _quarter_end(y, m.group(1))),
    (re.compile(r"上半年"), lambda m, y: date(y, 6, 30)),
    (re.compile(r"年中"), lambda m, y: date(y, 6, 30)),
    (re.compile(r"下半年|年底|年末|年内|全年|今年"), lambda m, y: date(y, 12, 31)),
]


def deadline(text: str, year: int) -> str:
    """The latest date the text sets ("一季度开工、年底前建成" → the year's end), ISO, or ""."""
    found = []
    for pattern, to_date in DEADLINES:
        for match in pattern.finditer(text):
            when = to_date(match, year)
            if when:
                found.append(when)
    return max(found).isoformat() if found else ""


def _month(word: str) -> int | None:
    month = chinese_to_int(word)
    return month if month and 1 <= month <= 12 else None


def _month_end(year: int, word: str, before: bool = False) -> date | None:
    month = _month(word)
    if not month:
        return None
    if before:  # "7月前" is the end of June
        if month == 1:
            return date(year - 1, 12, 31)
        month -= 1
    return date(year, month, calendar.monthrange(year, month)[1])


def _day(year: int, word: str, day: int) -> date | None:
    month = _month(word)
    if not month or not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return date(year, month, day)


def _quarter_end(year: int, word: str) -> date:
    quarter = chinese_to_int(word)
    month = quarter * 3
    return date(year, month, calendar.monthrange(year, month)[1])
