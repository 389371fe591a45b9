"""The report's own structure → a tree of nodes, each with the exact offsets of its passage.

A district report numbers its parts 一、 / （一） / 1. / （1） at the start of a line, and inside a
paragraph it enumerates 一是…二是…四是. Below the last level it numbers, a paragraph holds
several tasks in a row; they are split into clauses at the verbs of action (推动, 加快, 落实 …),
never at every comma: "以…为契机，全面串联…" is one task, "深化国资国企改革，严控债务风险" two."""

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from ..outline import Node, Source
from .numerals import chinese_to_int

# The line-start headings, from the highest level down; a report may skip some.
HEADINGS = [
    ("section", re.compile(r"([一二三四五六七八九十]{1,3})[、.．]")),
    ("sub", re.compile(r"[（(]([一二三四五六七八九十]{1,3})[）)]")),
    ("arabic", re.compile(r"(\d{1,2})[.．、](?!\d)")),
    ("paren_arabic", re.compile(r"[（(](\d{1,2})[）)]")),
]
NUMBER_FORMAT = {"section": "{}", "sub": "（{}）", "arabic": "{}", "paren_arabic": "（{}）"}
ENUMERATOR = re.compile(r"([一二三四五六七八九十]{1,2})是")
# An enumerator starts a paragraph, a sentence or a clause; "统一是" is not one.
ENUMERATOR_BOUNDARY = set("。；;！？!?：:，,\n \t\u3000")
SENTENCE_END = "。；;！？!?\n：:"
CHUNK_END = SENTENCE_END + "，,"
LEADING_SPACE = " \t\u3000"
TITLE_HEAD_MAX = 40  # a head sentence longer than this is a task, not the title of one
CLAUSE_MIN = 4  # a shorter chunk ("规上规下并重" is six) is too small to check on its own

# Verbs that start a checkable clause. Words of aim or effect (形成, 让, 为) are not among them:
# "形成更多投资量" belongs to the clause before it.
VERBS = tuple(
    "推动 加快 强化 落实 推进 实施 建设 完成 开展 打造 促进 发展 提升 优化 深化 健全 完善 构建 加强 培育 "
    "招引 承接 引导 坚持 扭转 盘活 吸引 融入 串联 创建 探索 解决 疏解 化解 遏制 严控 打响 确保 力争 实现 "
    "新增 新建 改造 启动 开工 建成 组织 举办 引进 争创 创成 申报 出台 制定 整治 治理 保障 扩大 稳定 挖掘 "
    "用好 抓好 办好 做好 做深 做实 做强 做优 做大 贯彻 树立 激励 营造 提高 增加 压降 降低 减少 规范 严格 "
    "深入 推行 普及 覆盖 改善 修复 保护 复兴 更新 点亮 振兴 筑牢 守牢 压实 靠实 夯实 织密 畅通 打通 "
    "提速 提质 扩容 搭建 设立 成立 组建 配齐 配备 培养 储备 考察 识别 惩治 防范 排查 清理 处置 推广 "
    "擦亮 护航 留住 大兴 找准 谋细 谋实 举办 筹办 承办 争取 巩固 拓展 拓宽 延伸 壮大 扶持 支持 服务 "
    "建强 消除 招商 建立 编制 修订 印发 启用 投用 交付 竣工 验收 完工 淘汰 关停 搬迁 安置 征收 拆除 腾退".split()
)
# Frames that set up the verb after them rather than act: "以创建…为契机", "特别是针对…".
FRAMES = ("以", "在", "围绕", "针对", "按照", "对", "把", "通过", "依托", "借助", "结合", "对标", "特别是", "尤其是",
          "立足", "紧扣", "充分借鉴", "借鉴", "紧盯", "聚焦", "坚持以", "面向", "瞄准", "根据", "随着", "趁")
DEADLINE_TAIL = re.compile(r"(?:确保|力争|争取|务必|要)?(?:年底前|年内|上半年|下半年|年中|\d{1,2}月(?:底|末)?前|[一二三四]季度)"
                           r"(?:全面|全部|如期)?(?:完成|开工|建成|投用|到位|见效|落地|交付)?(?:任务)?")
# Adverbs and manners before the verb: "持续擦亮", "全力扭转", "高质量打造", "进一步健全".
ADVERBS = tuple(sorted(
    "持续 全力 大力 积极 着力 全面 深入 进一步 高效 坚决 切实 加速 扎实 不断 严格 努力 稳步 统筹 重点 "
    "认真 高标准 高质量 高水平 加快 继续 主动 有序 稳妥 全域 全速 同步 分类 精准 依法 及时 抓紧 率先 "
    "深度 系统 整体 协同 聚力 奋力 合力 尽快 逐步 全方位 常态化 案例化 规范化 一体化 多措并举 "
    "今年 全年 年内 年底前 上半年 下半年 同时 此外 并 还要 要 将 再 更".split(), key=len, reverse=True))


@dataclass
class _Heading:
    rank: int
    kind: str
    value: int | None
    start: int  # the line's first non-blank character
    title_end: int  # after the title sentence (and its full stop)
    node: Node
    parent: "_Heading | None" = None
    children: list = field(default_factory=list)


def parse(text: str) -> tuple[list[Node], bool, list[str]]:
    """(top-level nodes, whether headings were found, warnings) for a report's text."""
    headings = _headings(text)
    if not headings:
        warning = _("No headings (一、 / （一） / 1. / （1）) were found: the tasks follow the report's sentences.")
        return _body_nodes(text, 0, _stripped_end(text, 0, len(text)), level=1), False, [warning]
    _link(headings, len(text))
    warnings = _numbering_warnings(headings)
    for heading in headings:
        _fill(text, heading)
    return [h.node for h in headings if h.parent is None], True, warnings


# --- headings at the start of a line --------------------------------------------------


def _headings(text: str) -> list[_Heading]:
    found, position = [], 0
    for line in text.split("\n"):
        start = position + len(line) - len(line.lstrip(LEADING_SPACE))
        position += len(line) + 1
        heading = _heading_at(text, start, start + len(line.strip(LEADING_SPACE)))
        if heading:
            found.append(heading)
    return found


def _heading_at(text: str, start: int, line_end: int) -> _Heading | None:
    for rank, (kind, pattern) in enumerate(HEADINGS):
        match = pattern.match(text, start, line_end)
        if not match or match.end() >= line_end:
            continue
        title_start = match.end()
        stop = _first_of(text, "。！？!?", title_start, line_end)
        title_end = stop + 1 if stop < line_end else line_end
        title = text[title_start:stop].strip(LEADING_SPACE + "：:")
        if not title:
            continue
        raw = match.group(1)
        value = chinese_to_int(raw)
        node = Node(number=NUMBER_FORMAT[kind].format(raw), title=title, level=1, source=Source(start, line_end))
        return _Heading(rank, kind, value, start, title_end, node)
    return None


def _link(headings: list[_Heading], text_end: int) -> None:
    """Parents by rank, like an outline: a heading belongs to the nearest higher one before it."""
    stack: list[_Heading] = []
    for heading in headings:
        while stack and stack[-1].rank >= heading.rank:
            stack.pop()
        if stack:
            heading.parent = stack[-1]
            stack[-1].children.append(heading)
            stack[-1].node.children.append(heading.node)
        heading.node.level = len(stack) + 1
        stack.append(heading)
    for index, heading in enumerate(headings):
        end = next((h.start for h in headings[index + 1:] if h.rank <= heading.rank), text_end)
        heading.node.source.end = end


def _fill(text: str, heading: _Heading) -> None:
    """The passage ends where the text does; a heading without sub-headings gets its items or clauses."""
    node = heading.node
    node.source.end = _stripped_end(text, node.source.start, node.source.end)
    if heading.children:
        return  # its own text before the first sub-heading is a preamble, not tasks
    node.children = _body_nodes(text, heading.title_end, node.source.end, level=node.level + 1)


def _numbering_warnings(headings: list[_Heading]) -> list[str]:
    warnings, last = [], {}
    for heading in headings:
        key = (id(heading.parent), heading.kind)
        expected = last.get(key, 0) + 1
        if heading.value is not None and heading.value != expected and heading.kind in ("section", "sub"):
            warnings.append(_("The numbering jumps to %(number)s (%(title)s).")
                            % {"number": heading.node.number, "title": heading.node.title})
        last[key] = heading.value or expected
    return warnings


# --- a body: inline enumerations, else clauses ----------------------------------------


def preface(text: str, nodes: list[Node]) -> tuple[int, int]:
    """The span between the report's title line and its first heading: where 主要预期目标 stand."""
    if not nodes:
        return 0, 0
    first_line_end = text.find("\n")
    start = first_line_end + 1 if 0 <= first_line_end < nodes[0].source.start else 0
    return _strip_span(text, start, nodes[0].source.start)


def clause_nodes(text: str, start: int, end: int, level: int) -> list[Node]:
    return [_clause_node(text, index, span, level) for index, span in enumerate(split_clauses(text, start, end), 1)]


def _body_nodes(text: str, start: int, end: int, level: int) -> list[Node]:
    markers = _enumerators(text, start, end)
    if len(markers) >= 2:
        return [_item(text, m, (markers[i + 1].start() if i + 1 < len(markers) else end), level)
                for i, m in enumerate(markers)]
    clauses = split_clauses(text, start, end)
    return [_clause_node(text, index, span, level) for index, span in enumerate(clauses, 1)] if len(clauses) > 1 else []


def _enumerators(text: str, start: int, end: int) -> list[re.Match]:
    """一是, 二是, 三是 … in order; a stray 三是 without 一是 before it is prose."""
    accepted, expected = [], 1
    for match in ENUMERATOR.finditer(text, start, end):
        at = match.start()
        if at > start and text[at - 1] not in ENUMERATOR_BOUNDARY:
            continue
        if chinese_to_int(match.group(1)) == expected:
            accepted.append(match)
            expected += 1
    return accepted


def _item(text: str, marker: re.Match, end: int, level: int) -> Node:
    end = _stripped_end(text, marker.start(), end)
    body_start = marker.end()
    stop = _first_of(text, "。；;！？!?", body_start, end)
    head = text[body_start:stop].strip()
    rest = text[stop + 1:end].strip() if stop < end else ""
    node = Node(number=marker.group(0), title=head, level=level, source=Source(marker.start(), end))
    if head and len(head) <= TITLE_HEAD_MAX and rest:
        spans = split_clauses(text, stop + 1, end)
    else:
        spans = split_clauses(text, body_start, end)
        node.title = _flat(text, *spans[0]) if spans else head
    if len(spans) > 1 or (spans and _flat(text, *spans[0]) != node.title):
        node.children = [_clause_node(text, index, span, level + 1) for index, span in enumerate(spans, 1)]
    return node


def _clause_node(text: str, index: int, span: tuple[int, int], level: int) -> Node:
    return Node(number=str(index), title=_flat(text, *span), level=level, source=Source(*span))


# --- clauses ---------------------------------------------------------------------------


def split_clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The checkable clauses of text[start:end] as (start, end) offsets, split at verbs of action."""
    clauses: list[list[int]] = []
    for sentence in _sentences(text, start, end):
        kinds = [_chunk_kind(text[a:b]) for a, b in sentence]
        if "action" not in kinds:
            if clauses:
                clauses[-1][1] = sentence[-1][1]  # a sentence of aim or effect finishes the task before it
            else:
                clauses.append([sentence[0][0], sentence[-1][1]])
            continue
        _group(sentence, kinds, clauses)
    return [(a, b) for a, b in clauses]


def _group(sentence: list[tuple[int, int]], kinds: list[str], clauses: list[list[int]]) -> None:
    """A verb opens a clause; a frame ("以…为契机", "特别是针对…") before a verb opens it with the
    verb; anything else finishes the clause before it."""
    prefix, opened = None, False
    for i, (a, b) in enumerate(sentence):
        if kinds[i] == "frame" and "action" in kinds[i + 1:]:
            prefix = a if prefix is None else prefix
            continue
        opens = kinds[i] == "action" or not opened
        if opens and (prefix is not None or b - a >= CLAUSE_MIN or not clauses or not opened):
            clauses.append([a if prefix is None else prefix, b])
            opened = True
        else:
            clauses[-1][1] = b
        prefix = None


def _chunk_kind(chunk: str) -> str:
    if DEADLINE_TAIL.fullmatch(chunk):
        return "other"  # "确保6月底前开工" says when the clause before it is due
    if starts_with_action(chunk):
        return "action"
    return "frame" if chunk.lstrip("“”\"'").startswith(FRAMES) else "other"


def _sentences(text: str, start: int, end: int) -> list[list[tuple[int, int]]]:
    """Sentences as lists of (start, end) chunks between commas, blanks stripped."""
    sentences, current, chunk_start = [], [], start
    for position in range(start, end + 1):
        char = text[position] if position < end else "\n"
        if char not in CHUNK_END:
            continue
        a, b = _strip_span(text, chunk_start, position)
        if a < b:
            current.append((a, b))
        if char in SENTENCE_END and current:
            sentences.append(current)
            current = []
        chunk_start = position + 1
    return sentences


def starts_with_action(chunk: str) -> bool:
    """Does the chunk start (after its adverbs) with a verb of action?"""
    rest = chunk.lstrip("“”\"'‘’「」『』")
    while rest:
        if rest.startswith(VERBS):
            return True
        adverb = next((a for a in ADVERBS if rest.startswith(a) and len(rest) > len(a)), None)
        if not adverb:
            return False
        rest = rest[len(adverb):]
    return False


# --- helpers ---------------------------------------------------------------------------


def _first_of(text: str, chars: str, start: int, end: int) -> int:
    positions = [p for p in (text.find(c, start, end) for c in chars) if p >= 0]
    return min(positions) if positions else end


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _stripped_end(text: str, start: int, end: int) -> int:
    return _strip_span(text, start, end)[1]


def _flat(text: str, start: int, end: int) -> str:
    return re.sub(r"\s+", "", text[start:end])
