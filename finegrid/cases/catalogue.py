"""The category catalogue: loading finegrid's default (`data/catalogue.json`) and versioned rules.

A rule version is never edited once written: each case keeps the version it was accepted under,
so changing a 立案条件, 处置时限 or 结案条件 writes the next version (`revise_rule`)."""

import json
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from finegrid.core.models import audit
from finegrid.org.models import Unit

from .calendar import Limit, parse_limit
from .models import AcceptanceCondition, Category, CategoryRule

DEFAULT_FILE = Path(__file__).resolve().parent / "data" / "catalogue.json"
LEAF = 2  # levels: 0 domain, 1 大类, 2 小类 (the only level with rules)


class CatalogueError(ValueError):
    """A catalogue file that cannot be loaded; the message names the node at fault."""


@dataclass(frozen=True)
class RuleSpec:
    unit_kind: str
    verify: bool
    check: bool
    closing: str
    conditions: tuple[tuple[str, Limit], ...]


@dataclass(frozen=True)
class NodeSpec:
    code: str
    name: str
    domain: str
    parent: str | None
    level: int
    public: bool
    keywords: list[str]
    rule: RuleSpec | None


# --- reading and checking a file -------------------------------------------------------------


def read_catalogue(path=None) -> list[NodeSpec]:
    """Reads and checks a whole file against itself and the database; raises CatalogueError."""
    path = Path(path or DEFAULT_FILE)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise CatalogueError(f"{path}: {error}") from error
    if not isinstance(raw, list):
        raise CatalogueError(f"{path}: expected a JSON list of nodes")
    return _check_tree([_node(item, i) for i, item in enumerate(raw)])


def _node(item, index: int) -> NodeSpec:
    label = item.get("code") if isinstance(item, dict) and item.get("code") else f"#{index + 1}"
    try:
        return _parse_node(item)
    except (KeyError, TypeError, ValueError) as error:
        problem = f"missing {error}" if isinstance(error, KeyError) else str(error)
        raise CatalogueError(f"catalogue node {label}: {problem}") from error


def _parse_node(item: dict) -> NodeSpec:
    code, name, level = _text(item["code"], 16, "code"), _text(item["name"], 64, "name"), item["level"]
    if item["domain"] not in Category.Domain.values:
        raise ValueError(f"unknown domain {item['domain']!r}")
    if item["parent"] is not None and not isinstance(item["parent"], str):
        raise ValueError("parent must be a code or null")
    if level not in (0, 1, LEAF):
        raise ValueError(f"level must be 0, 1 or 2, not {level!r}")
    if (level == LEAF) != ("rule" in item):
        raise ValueError("a leaf (level 2) needs a rule, and only a leaf may have one")
    keywords = item.get("keywords", [])
    if not isinstance(keywords, list) or not all(isinstance(k, str) for k in keywords):
        raise ValueError("keywords must be a list of words")
    rule = _parse_rule(item["rule"]) if level == LEAF else None
    return NodeSpec(code, name, item["domain"], item["parent"], level, bool(item.get("public", True)), keywords, rule)


def _parse_rule(rule: dict) -> RuleSpec:
    if rule.get("unit_kind", "") not in ["", *Unit.Kind.values]:
        raise ValueError(f"unknown unit_kind {rule['unit_kind']!r}")
    conditions = tuple(_condition(c["text"], c["limit"]) for c in rule["conditions"])
    if not conditions:
        raise ValueError("a rule needs at least one condition (立案条件)")
    verify, check, closing = bool(rule["verify"]), bool(rule["check"]), rule.get("closing", "")
    return RuleSpec(rule.get("unit_kind", ""), verify, check, closing, conditions)


def _text(value, max_length: int, what: str) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > max_length:
        raise ValueError(f"{what} must be text of 1 to {max_length} characters")
    return value.strip()


def _condition(text, limit) -> tuple[str, Limit]:
    """A (立案条件, limit) pair; the limit as text ("4工作时"), a Limit, or a (value, kind) pair."""
    text = _text(text, 10_000, "condition text")
    if isinstance(limit, str):
        return text, parse_limit(limit)
    return text, limit if isinstance(limit, Limit) else Limit(*limit)


def _check_tree(nodes: list[NodeSpec]) -> list[NodeSpec]:
    """Every code once; every parent known (in the file or the database), one level up, same domain,
    and a prefix of the child's code — so a responsibility row for "C01" covers its 小类."""
    in_file: dict[str, NodeSpec] = {}
    for node in nodes:
        if node.code in in_file:
            raise CatalogueError(f"catalogue node {node.code}: duplicate code")
        in_file[node.code] = node
    stored = {c.code: c for c in Category.objects.filter(code__in=[n.parent for n in nodes if n.parent])}
    for node in nodes:
        _check_parent(node, in_file.get(node.parent) or stored.get(node.parent))
    return nodes


def _check_parent(node: NodeSpec, parent) -> None:
    problem = None
    if node.level == 0:
        problem = "a domain root (level 0) has no parent" if node.parent else None
    elif parent is None:
        problem = f"unknown parent {node.parent!r}"
    elif parent.level != node.level - 1 or parent.domain != node.domain:
        problem = f"parent {parent.code} is not one level up in domain {node.domain}"
    elif not node.code.startswith(parent.code):
        problem = f"code does not start with its parent's code {parent.code}"
    if problem:
        raise CatalogueError(f"catalogue node {node.code}: {problem}")


# --- loading ---------------------------------------------------------------------------------


def load_catalogue(path=None, actor=None) -> dict:
    """Creates the file's missing categories and, for each leaf without any rule, its version 1.

    Idempotent, all or nothing: nothing that exists is changed (an administrator's renaming or a
    later version stays), and a bad file raises CatalogueError before anything is written."""
    with transaction.atomic():
        nodes = read_catalogue(path)
        ids = dict(Category.objects.values_list("code", "id"))
        categories = _create_categories(nodes, ids)
        rules, conditions = _create_first_rules([n for n in nodes if n.rule], ids, actor)
        existing = len(nodes) - categories
        counts = {"categories": categories, "rules": rules, "conditions": conditions, "existing": existing}
        if categories or rules:
            audit("catalogue.load", Path(path or DEFAULT_FILE).name, actor, **counts)
    return counts


def _create_categories(nodes: list[NodeSpec], ids: dict[str, int]) -> int:
    """Bulk inserts level by level, so each level's parents already have their ids."""
    created = 0
    for level in (0, 1, LEAF):
        new = [_category(n, ids) for n in nodes if n.level == level and n.code not in ids]
        Category.objects.bulk_create(new, batch_size=500)
        ids.update((c.code, c.pk) for c in new)
        created += len(new)
    return created


def _category(node: NodeSpec, ids: dict[str, int]) -> Category:
    return Category(
        code=node.code, name=node.name, domain=node.domain, level=node.level, public=node.public,
        keywords=node.keywords, parent_id=ids[node.parent] if node.parent else None,
    )


def _create_first_rules(leaves: list[NodeSpec], ids: dict[str, int], actor) -> tuple[int, int]:
    stored = CategoryRule.objects.filter(category_id__in=[ids[n.code] for n in leaves])
    ruled = set(stored.values_list("category_id", flat=True))
    todo = [n for n in leaves if ids[n.code] not in ruled]
    rules = [_rule(ids[n.code], 1, n.rule, actor) for n in todo]
    CategoryRule.objects.bulk_create(rules, batch_size=500)  # sets pk on SQLite ≥ 3.35 and PostgreSQL
    conditions = [row for rule, n in zip(rules, todo) for row in _condition_rows(rule, n.rule.conditions)]
    AcceptanceCondition.objects.bulk_create(conditions, batch_size=500)
    return len(rules), len(conditions)


def _rule(category_id: int, version: int, spec: RuleSpec, actor) -> CategoryRule:
    return CategoryRule(
        category_id=category_id, version=version, unit_kind=spec.unit_kind, verify_required=spec.verify,
        check_required=spec.check, closing_condition=spec.closing, created_by=actor,
    )


def _condition_rows(rule: CategoryRule, conditions) -> list[AcceptanceCondition]:
    return [
        AcceptanceCondition(rule=rule, seq=seq, text=text, limit_value=limit.value, limit_kind=limit.kind.value)
        for seq, (text, limit) in enumerate(conditions, 1)
    ]


# --- versions --------------------------------------------------------------------------------


def current_rule(category: Category) -> CategoryRule | None:
    """The highest version: the one new cases are accepted under."""
    return category.rules.order_by("-version").first()


def revise_rule(
    category, actor, *, conditions=None, closing=None, unit_kind=None, verify=None, check=None
) -> CategoryRule:
    """Writes version n+1: the current version with the given changes (None keeps a value).

    `conditions` replaces all 立案条件: (text, limit) pairs, limit as "4工作时", a Limit or
    (value, kind). Version n is left exactly as it was, for the cases accepted under it."""
    if category.level != LEAF:
        raise ValueError(f"{category.code} is not a leaf (小类): only leaves have rules")
    if unit_kind not in (None, "", *Unit.Kind.values):
        raise ValueError(f"unknown unit kind {unit_kind!r}")
    with transaction.atomic():
        # Lock the category so two administrators revising at once get n+1 and n+2, not a clash.
        Category.objects.select_for_update().filter(pk=category.pk).exists()
        current = current_rule(category)
        spec = _revised(current, conditions, closing, unit_kind, verify, check)
        if not spec.conditions:
            raise ValueError(f"{category.code}: a rule needs at least one condition (立案条件)")
        rule = _rule(category.pk, (current.version if current else 0) + 1, spec, actor)
        rule.save()
        AcceptanceCondition.objects.bulk_create(_condition_rows(rule, spec.conditions))
        audit("catalogue.revise", category.code, actor, version=rule.version)
    return rule


def _revised(current, conditions, closing, unit_kind, verify, check) -> RuleSpec:
    def keep(value, attr, default):
        return value if value is not None else getattr(current, attr) if current else default

    if conditions is None:
        old = current.conditions.all() if current else []
        conditions = [(c.text, Limit(c.limit_value, c.limit_kind)) for c in old]
    return RuleSpec(
        unit_kind=keep(unit_kind, "unit_kind", ""), verify=keep(verify, "verify_required", True),
        check=keep(check, "check_required", True), closing=keep(closing, "closing_condition", ""),
        conditions=tuple(_condition(text, limit) for text, limit in conditions),
    )


# --- look-ups --------------------------------------------------------------------------------


def leaf_for(code: str) -> Category | None:
    """The active leaf (小类) with this code; None for an unknown, inactive or non-leaf code."""
    return Category.objects.filter(code=code.strip(), level=LEAF, active=True).first()


def condition_for(rule: CategoryRule, text: str | None = None) -> AcceptanceCondition | None:
    """The rule's first 立案条件, or the one whose text is `text` (None when none matches)."""
    conditions = list(rule.conditions.all())  # all(): uses a prefetch when the caller made one
    if text is None:
        return conditions[0] if conditions else None
    return next((c for c in conditions if c.text == text.strip()), None)
