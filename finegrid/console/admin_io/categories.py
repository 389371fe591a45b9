"""Categories and their time limits (类别与时限): one row per 立案条件 of a leaf category (小类).
A changed condition, time limit, 核实/核查 flag, unit type or 结案条件 becomes a new version of the
category's rule (`catalogue.revise_rule`), so cases accepted earlier keep the rule they had.
New categories come with the catalogue file (`finegrid load-catalogue`)."""

from collections import defaultdict

from django.utils.translation import gettext_lazy as _

from finegrid.cases.calendar import parse_limit
from finegrid.cases.catalogue import current_rule, revise_rule
from finegrid.cases.deadlines import Limit, LimitKind
from finegrid.cases.models import Category
from finegrid.org.models import Unit

from .sheet import (
    Column,
    RowError,
    Sheet,
    choice,
    optional,
    required,
    yes_no,
    yes_no_text,
)

LEAF = 2
C = {c.name: c for c in (
    Column("code", _("Category code"), True), Column("name", _("Name"), True), Column("seq", _("No.")),
    Column("condition", _("Acceptance condition (立案条件)"), True), Column("limit", _("Time limit"), True),
    Column("verify", _("On-site verification (核实)")), Column("check", _("On-site check (核查)")),
    Column("unit_kind", _("Responsible unit type")), Column("closing", _("Closing condition (结案条件)")),
    Column("active", _("Active")),
)}


class CategorySheet(Sheet):
    name = "categories"
    title = _("Categories and time limits")
    columns = tuple(C.values())

    def rows(self):
        leaves = Category.objects.filter(level=LEAF).order_by("code").prefetch_related("rules__conditions")
        for category in leaves:
            rule = max(category.rules.all(), key=lambda r: r.version, default=None)
            for c in sorted(rule.conditions.all(), key=lambda c: c.seq) if rule else []:
                yield [category.code, category.name, c.seq, c.text, str(Limit(c.limit_value, LimitKind(c.limit_kind))),
                       yes_no_text(rule.verify_required), yes_no_text(rule.check_required),
                       rule.get_unit_kind_display() if rule.unit_kind else "", rule.closing_condition,
                       yes_no_text(category.active)]

    def context(self) -> dict:
        return {"leaves": {c.code: c for c in Category.objects.filter(level=LEAF)}, "seen": defaultdict(set)}

    def check(self, row, context):
        code = required(row, "code", C["code"].title)
        if code not in context["leaves"]:
            raise RowError(_("no leaf category (小类) has the code %(code)s") % {"code": code})
        seq = row.get("seq") or str(len(context["seen"][code]) + 1)
        if not seq.isdigit() or seq in context["seen"][code]:
            raise RowError(_("No. %(seq)s of %(code)s is not a new whole number") % {"seq": seq, "code": code})
        context["seen"][code].add(seq)
        try:
            limit = parse_limit(required(row, "limit", C["limit"].title))
        except ValueError as error:
            raise RowError(str(error))
        unit_kind = choice(row, "unit_kind", C["unit_kind"].title, Unit.Kind.choices, default="")
        return {"category": context["leaves"][code], "name": required(row, "name", C["name"].title, 64),
                "seq": int(seq), "condition": required(row, "condition", C["condition"].title, 2000), "limit": limit,
                "verify": yes_no(row, "verify", C["verify"].title), "check": yes_no(row, "check", C["check"].title),
                "unit_kind": unit_kind, "closing": optional(row, "closing", C["closing"].title, 2000),
                "active": yes_no(row, "active", C["active"].title)}

    def write(self, records, actor) -> dict:
        by_category = defaultdict(list)
        for r in records:
            by_category[r["category"].code].append(r)
        revised = 0
        for rows in by_category.values():
            rows.sort(key=lambda r: r["seq"])
            first, category = rows[0], rows[0]["category"]
            if (category.name, category.active) != (first["name"], first["active"]):
                Category.objects.filter(pk=category.pk).update(name=first["name"], active=first["active"])
            wanted = _spec(rows)
            if wanted != _spec_of(current_rule(category)):
                revise_rule(category, actor, conditions=[(r["condition"], r["limit"]) for r in rows], closing=first["closing"],
                            unit_kind=first["unit_kind"], verify=first["verify"], check=first["check"])
                revised += 1
        return {"categories": len(by_category), "revised": revised}


def _spec(rows) -> tuple:
    first = rows[0]
    conditions = tuple((r["condition"], (r["limit"].value, r["limit"].kind.value)) for r in rows)
    return conditions, first["closing"], first["unit_kind"], first["verify"], first["check"]


def _spec_of(rule) -> tuple | None:
    if rule is None:
        return None
    conditions = tuple((c.text, (c.limit_value, c.limit_kind)) for c in rule.conditions.order_by("seq"))
    return conditions, rule.closing_condition, rule.unit_kind, rule.verify_required, rule.check_required
