"""Small builders for case tests: a category with one rule, and a person in a role (the shared
world of named users is `finegrid/conftest.py`'s)."""

from finegrid.cases.models import AcceptanceCondition, Category, CategoryRule


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
    from finegrid.conftest import make_user as make

    return make(username, role, region=region, unit=unit, grids=grids)


def image_bytes(fmt="PNG", size=(4, 3), colour=(200, 30, 30), **save) -> bytes:
    """A real picture (evidence is decoded and re-encoded: a header followed by zeros is refused)."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, fmt, **save)
    return out.getvalue()
