"""The demo district's responsibility matrix (责任矩阵): which unit Guangling sends each kind of
case to, and where.

Three layers, the most specific winning as `org.responsibility.units_for` reads them:

- every 大类 (level-1 category) has a district-wide row to the department that plausibly runs
  it (城管局 for 市容环境, 交通运输局 for 道路交通设施, 人社局 for 劳动和社会保障…);
- a few 小类 go elsewhere than their 大类: water, gas, power and telecom covers and pipes to the
  utilities, rivers to 水利局, 劳资纠纷 to 人社局…;
- a 小类 whose rule names a street or community as the responsible kind gets a row per street
  (or per community) to that street's office (or committee), so dispatch there is unambiguous.

A few cells deliberately hold two units (`AMBIGUOUS`): three shared ones (共管, both primary) that
the dispatcher has to decide, so the queue has real work, and one primary with a secondary."""

from finegrid.grid.models import Region
from finegrid.org.models import Responsibility, Unit

# 大类 name → unit code. Hotline topics follow the 12345 first-level classes.
MAJOR_UNITS = {
    "公用设施": "zjj", "道路交通设施": "jtj", "市容环境设施": "cgj", "园林绿化设施": "zjj", "其他部件": "cgj",
    "市容环境": "cgj", "宣传广告": "cgj", "施工管理": "zjj", "街面秩序": "cgj", "突发事件": "zjj",
    "其他事件": "cgj", "房屋土地": "zrzy",
    "劳动和社会保障": "rsj", "卫生计生": "wjw", "教育文体": "jyj", "环境保护": "sthj", "政法": "gaj",
    "民政": "mzj", "商贸旅游": "swj", "交通运输": "jtj", "城乡建设": "zjj", "农村农业": "nyj",
    "国土资源": "zrzy", "经济管理": "fgw", "科技与信息产业": "sjj", "纪检监察": "xfj",
    # 党务政务: the district has no general office among the demo units; the command centre
    # (指挥中心) coordinates what no department owns.
    "党务政务": "zhzx",
    "安全隐患": "yjj", "信访": "xfj",
}
# 大类 handled by the street office of the street the case is in (one row per street).
STREET_MAJORS = frozenset({"矛盾纠纷", "特殊人群服务"})
# Any other 大类, by its domain.
DOMAIN_UNITS = {
    "component": "cgj", "event": "cgj", "hotline": "zhzx", "social": "yjj", "sensor": "yjj",
    "enterprise": "tcj", "emergency": "yjj",
}
# A 小类 (department or property kind) whose name holds one of these words goes to that unit.
LEAF_WORDS = [
    ("燃气", "gas"), ("液化气", "gas"), ("供水", "water"), ("上水", "water"), ("用水", "water"),
    ("电力", "power"), ("用电", "power"), ("通讯", "telecom"), ("通信", "telecom"),
    ("水域", "slj"), ("河道", "slj"), ("防汛", "slj"), ("水位", "slj"),
    ("劳资", "rsj"), ("社区矫正", "sfj"), ("房屋安全", "zjj"), ("特种设备", "scjg"), ("烟感", "xfjy"),
    ("火灾", "xfjy"), ("食物中毒", "wjw"), ("传染病", "wjw"), ("道路交通事故", "gaj"), ("设备离线", "sjj"),
]

# The cells left with two units on purpose: (小类 name, where, primary, second unit, shared?, why).
# "where" is "district", or a street's code: the street-level rows there, or the rows of every
# community in it; a primary of None keeps the local office the rule names. A shared cell (共管)
# names both units primary, so the matrix cannot decide and the case waits in the dispatcher's
# queue (`cases.dispatch.unambiguous_unit`); otherwise the case goes to the primary at once and the
# second unit is only a suggestion.
AMBIGUOUS = [
    ("道路破损", "district", "jtj", "cgj", True, "交通运输局 repairs the carriageway, 城管局 the pavements it manages"),
    ("施工扰民", "district", "zjj", "sthj", False, "night-time construction noise is also 生态环境分局's"),
    ("占道经营", "321002002", None, "cgj", True, "汶河街道: the 城管 squad on the old-town streets acts too"),
    ("物业纠纷", "321002001", None, "zjj", True, "东关街道: 住建局's property office takes the larger estates"),
]


def fill_responsibility(progress=None) -> int:
    """Create the rows of the demo matrix that are missing; returns how many were created."""
    from finegrid.cases.models import Category

    units = Unit.objects.in_bulk(field_name="code")
    regions = list(Region.objects.order_by("code"))
    categories = list(Category.objects.filter(level__in=(1, 2)).select_related("parent").order_by("code"))
    rules = _unit_kinds(categories)
    wanted = _major_rows(categories, regions) + _leaf_rows(categories, rules, regions) + _ambiguous_rows(
        categories, rules, regions)
    rows = _resolve(wanted, units, {r.code: r for r in regions})
    existing = set(Responsibility.objects.values_list("category_code", "region_id", "unit_id"))
    new = [row for row in rows if (row.category_code, row.region_id, row.unit_id) not in existing]
    Responsibility.objects.bulk_create(new, batch_size=2000)
    if progress:
        progress("responsibility", len(new), len(new))
    return len(new)


def _unit_kinds(categories) -> dict:
    """Leaf code → the responsible unit kind of its newest rule."""
    from finegrid.cases.models import CategoryRule

    kinds = {}
    leaves = [c.pk for c in categories if c.level == 2]
    for code, kind in CategoryRule.objects.filter(category_id__in=leaves).order_by(
            "category__code", "version").values_list("category__code", "unit_kind"):
        kinds[code] = kind  # ordered by version: the newest wins
    return kinds


def _major_rows(categories, regions) -> list[tuple]:
    """(category code, region code, unit code, primary, note) for the 大类 layer."""
    district = _district(regions)
    streets = [r.code for r in regions if r.is_street_level]
    rows = []
    for major in (c for c in categories if c.level == 1):
        if major.name in STREET_MAJORS:
            rows += [(major.code, street, street, True, "") for street in streets]
        else:
            unit = MAJOR_UNITS.get(major.name) or DOMAIN_UNITS.get(major.domain, "zhzx")
            rows.append((major.code, district, unit, True, ""))
    return rows


def _leaf_rows(categories, kinds, regions) -> list[tuple]:
    district = _district(regions)
    rows = []
    for leaf in (c for c in categories if c.level == 2):
        kind = kinds.get(leaf.code, "")
        if kind == Unit.Kind.STREET:
            rows += [(leaf.code, r.code, r.code, True, "") for r in regions if r.is_street_level]
        elif kind == Unit.Kind.COMMUNITY:
            rows += [(leaf.code, r.code, r.code, True, "") for r in regions if r.is_community_level]
        elif unit := _leaf_unit(leaf.name):
            rows.append((leaf.code, district, unit, True, ""))
    return rows


def _leaf_unit(name: str) -> str | None:
    return next((unit for word, unit in LEAF_WORDS if word in name), None)


def _ambiguous_rows(categories, kinds, regions) -> list[tuple]:
    """The rows of AMBIGUOUS, laid at the level of the rows they join so both are read together."""
    district = _district(regions)
    leaves = {c.name: c.code for c in categories if c.level == 2}
    rows = []
    for name, where, primary, second, shared, why in AMBIGUOUS:
        code = leaves.get(name)
        if code is None:
            continue
        for region in _cells(kinds.get(code, ""), where, district, regions):
            if primary:
                rows.append((code, region, primary, True, ""))
            rows.append((code, region, second, shared, why))
    return rows


def _cells(kind: str, where: str, district: str, regions) -> list[str]:
    if kind == Unit.Kind.COMMUNITY:
        level = [r.code for r in regions if r.is_community_level]
    elif kind == Unit.Kind.STREET:
        level = [r.code for r in regions if r.is_street_level]
    else:
        return [district]
    return [code for code in level if where == "district" or code.startswith(where)]


def _district(regions) -> str:
    return next(r.code for r in regions if r.level == Region.Level.DISTRICT)


def _resolve(wanted, units, regions) -> list[Responsibility]:
    """Rows naming units and regions that exist (a district without 水利局 simply has no such row)."""
    rows, seen = [], set()
    for category_code, region_code, unit_code, primary, note in wanted:
        unit, region = units.get(unit_code), regions.get(region_code)
        key = (category_code, region_code, unit_code)
        if unit is None or region is None or key in seen:
            continue
        seen.add(key)
        rows.append(Responsibility(category_code=category_code, region=region, unit=unit, primary=primary, note=note))
    return rows
