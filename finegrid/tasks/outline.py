"""The draft task tree a work report decomposes into: what `decompose` returns, what
`import-work-report --dry-run --format json` prints and what the task app stores.

Plain data, no database: the decomposer (`tasks/decompose/`) builds it from text, the 任务分解表
(`tasks/sheet.py`) reads and writes it, the app stores it as key tasks."""

from dataclasses import asdict, dataclass, field


@dataclass
class Source:
    """Character offsets into the stored source text: text[start:end] is the passage."""

    start: int
    end: int


@dataclass
class Target:
    """A checkable figure: "社会消费品零售总额突破300亿元" → 社会消费品零售总额 ≥ 300 亿元."""

    text: str  # the words it was read from
    indicator: str  # 社会消费品零售总额
    value: float | None  # 300
    unit: str  # 亿元, 人, %
    comparator: str  # ">=", "<=", "=", ">", "<" (突破/达到/不低于 → ">="; 控制在…以内 → "<=")


@dataclass
class Node:
    number: str  # the report's own numbering: "一", "（二）", "一是", "1", "（1）"; generated when it has none
    title: str
    level: int  # 1 for the top sections, one more for each level below
    source: Source
    lead_unit: str = ""  # the suggested lead unit's name
    lead_confidence: float = 0.0  # 0–1, like a dispatch suggestion's
    co_units: list[str] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    projects: list[str] = field(default_factory=list)  # named projects, parks, campaigns
    places: list[str] = field(default_factory=list)  # gazetteer places and streets named
    deadline: str = ""  # ISO date on the work calendar's year ("2026-06-30"), "" when none
    children: list["Node"] = field(default_factory=list)
    leader: str = ""  # 牵头区领导, the leader in charge: set by the 督查室 in the 任务分解表, never guessed
    schedule: list[str] = field(default_factory=list)  # 序时进度 per quarter (一季度 … 四季度), "" when not set

    def as_json(self) -> dict:
        return asdict(self)

    def walk(self):
        """This node and every node below it, depth first in the report's order."""
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class Outline:
    """A whole decomposed report: its top-level nodes and what the reader noticed."""

    text: str
    nodes: list[Node]
    found_headings: bool = True  # False for a report with no structure at all (one paragraph)
    warnings: list[str] = field(default_factory=list)

    def walk(self):
        for node in self.nodes:
            yield from node.walk()
