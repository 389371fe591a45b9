"""Named projects, parks and campaigns ("恒润冷轧", "中欧智能制造产业园", "招商'百日会战'"), and
places of the gazetteer — from any object with the gazetteer's `mentions(text)` or a plain list of
names, so the decomposer runs without a database."""

import re
import weakref

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
