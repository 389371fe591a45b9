"""Small builders for case tests: a category with one rule, and people in every office role."""

from django.contrib.auth import get_user_model

from finegrid.cases.models import AcceptanceCondition, Category, CategoryRule
from finegrid.grid.models import Region
from finegrid.org.models import Role, RoleAssignment, Unit


def make_category(code="C0101", name="上水井盖", verify=False, check=False, limit=(4, "work_hours"), domain="component"):
    root, _ = Category.objects.get_or_create(code=code[0], defaults={"name": domain, "domain": domain, "level": 0})
    major, _ = Category.objects.get_or_create(
        code=code[:3], defaults={"name": "大类", "domain": domain, "level": 1, "parent": root})
    leaf = Category.objects.create(code=code, name=name, domain=domain, level=2, parent=major)
    rule = CategoryRule.objects.create(category=leaf, version=1, verify_required=verify, check_required=check,
                                       unit_kind="department", closing_condition="恢复")
    AcceptanceCondition.objects.create(rule=rule, seq=1, text="缺失、移位", limit_value=limit[0], limit_kind=limit[1])
    return leaf


def make_user(username, role, region=None, unit=None, grids=()):
    user = get_user_model().objects.create_user(username, password="Test-password-1")
    assignment = RoleAssignment.objects.create(user=user, role=role, region=region, unit=unit)
    assignment.grids.set(grids)
    return user


def office(people) -> dict:
    """Adds an operator, a dispatcher, a supervisor and two units with a handler each."""
    district = Region.objects.get(code="321002")
    cgj = Unit.objects.create(code="cgj", name="区城市管理局", kind=Unit.Kind.DEPARTMENT, region=district)
    zjj = Unit.objects.create(code="zjj", name="区住房和城乡建设局", kind=Unit.Kind.DEPARTMENT, region=district)
    return {
        **people,
        "cgj": cgj, "zjj": zjj,
        "operator": make_user("operator", Role.OPERATOR),
        "dispatcher": make_user("dispatcher", Role.DISPATCHER),
        "supervisor": make_user("supervisor", Role.SUPERVISOR),
        "handler_cgj": make_user("handler_cgj", Role.HANDLER, unit=cgj),
        "handler_zjj": make_user("handler_zjj", Role.HANDLER, unit=zjj),
    }
