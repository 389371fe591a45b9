"""Decomposition of a work report: text → the draft task tree (`finegrid.tasks.outline`).

    decompose(text, units=(), year=None, history=(), gazetteer=None) -> Outline
    decompose_file(path, ...) -> Outline
    as_json(outline) -> list of dicts, the shape `import-work-report --dry-run --format json` prints

Pure: no database. Units are org Units or (name, duties) pairs; the gazetteer is
`finegrid.grid.gazetteer.current_gazetteer()` when a database is at hand, a list of names, or None."""

from dataclasses import asdict
from datetime import date

from ..outline import Node, Outline, Source
from .extract import NameList, deadline, places, projects, targets
from .read import ReportError, read_report
from .structure import clause_nodes, parse, preface
from .units import UnitIndex, suggest_units

__all__ = ["ReportError", "as_json", "decompose", "decompose_file", "read_report", "suggest_units"]

JSON_KEYS = ("number", "title", "level", "source", "lead_unit", "co_units", "targets", "projects", "places",
             "deadline", "children")


def decompose(text: str, units=(), year: int | None = None, history=(), gazetteer=None) -> Outline:
    nodes, found_headings, warnings = parse(text)
    outline = Outline(text=text, nodes=nodes, found_headings=found_headings, warnings=warnings)
    _add_preface(outline)
    year = year or date.today().year
    if gazetteer is not None and not hasattr(gazetteer, "mentions") and not isinstance(gazetteer, NameList):
        gazetteer = NameList(gazetteer)
    index = UnitIndex(units, history) if units else None
    context = _context(outline)
    for node, own in _own_texts(outline):
        passage = text[node.source.start:node.source.end]
        node.targets = targets(own)
        node.projects = projects(own)
        node.places = places(own, gazetteer)
        node.deadline = deadline(own, year)
        if index:
            node.lead_unit, node.lead_confidence, node.co_units = index.lead_and_co_units(passage, context[id(node)])
    return outline


PREFACE_TITLE = "主要预期目标"  # the report's figures before its first heading


def _add_preface(outline: Outline) -> None:
    """A report states its year's main figures before its first heading: they are key tasks too."""
    start, end = preface(outline.text, outline.nodes) if outline.found_headings else (0, 0)
    if start >= end or not targets(outline.text[start:end]):
        return
    clauses = clause_nodes(outline.text, start, end, level=2)
    children = [c for c in clauses if targets(outline.text[c.source.start:c.source.end])]
    for index, child in enumerate(children, 1):
        child.number = str(index)
    node = Node(number="0", title=PREFACE_TITLE, level=1, source=Source(start, end), children=children)
    if len(node.children) == 1:
        node.children = []
    outline.nodes.insert(0, node)


def decompose_file(path, units=(), year: int | None = None, history=(), gazetteer=None) -> Outline:
    return decompose(read_report(path), units=units, year=year, history=history, gazetteer=gazetteer)


def as_json(outline: Outline) -> list[dict]:
    return [_node_json(node) for node in outline.nodes]


def _node_json(node) -> dict:
    row = {key: getattr(node, key) for key in JSON_KEYS if key != "children"}
    row["source"] = {"start": node.source.start, "end": node.source.end}
    row["targets"] = [asdict(t) for t in node.targets]
    row["lead_confidence"] = node.lead_confidence
    row["children"] = [_node_json(child) for child in node.children]
    return row


def _context(outline: Outline) -> dict[int, str]:
    """Each node's ancestors' titles: "新建幼儿园7所" under "办好人民满意教育" is the education
    bureau's, a clause alone says too little about whose it is."""
    context = {}

    def visit(nodes, above):
        for node in nodes:
            context[id(node)] = above
            visit(node.children, above + "\n" + node.title)

    visit(outline.nodes, "")
    return context


def _own_texts(outline: Outline):
    """Each node with the words of its passage that no child covers: a figure belongs to the
    clause that states it, a section's preamble to the section."""
    text = outline.text
    for node in outline.walk():
        own, position = [], node.source.start
        for child in node.children:
            own.append(text[position:child.source.start])
            position = child.source.end
        own.append(text[position:node.source.end])
        yield node, "\n".join(own)
