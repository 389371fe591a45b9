"""The demo district's organisation: the departments of a real district government, a street or
town office per street, a committee per community, a few utilities, and people in every role —
a grid worker for each grid. Names and phone numbers are made up, deterministically."""

import hashlib
import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from finegrid.grid.models import Grid, Region
from finegrid.org.models import Person, Role, RoleAssignment, Unit

DEMO_PASSWORD = "Guangling@2026"

# (code, full name, short name): the departments a Chinese district government runs.
DEPARTMENTS = [
    ("zhzx", "区社会治理现代化指挥中心", "指挥中心"),
    ("zjj", "区住房和城乡建设局", "住建局"),
    ("cgj", "区城市管理局", "城管局"),
    ("yjj", "区应急管理局", "应急管理局"),
    ("rsj", "区人力资源和社会保障局", "人社局"),
    ("jyj", "区教育局", "教育局"),
    ("wjw", "区卫生健康委员会", "卫健委"),
    ("mzj", "区民政局", "民政局"),
    ("sthj", "市生态环境局广陵分局", "生态环境分局"),
    ("scjg", "区市场监督管理局", "市场监管局"),
    ("gaj", "市公安局广陵分局", "公安分局"),
    ("xfj", "区信访局", "信访局"),
    ("tcj", "区投资促进局", "投资促进局"),
    ("fgw", "区发展和改革委员会", "发改委"),
    ("gzb", "区国有资产管理办公室", "国资办"),
    ("jtj", "区交通运输局", "交通运输局"),
    ("nyj", "区农业农村局", "农业农村局"),
    ("slj", "区水利局", "水利局"),
    ("swj", "区商务局", "商务局"),
    ("wtlj", "区文化体育旅游局", "文体旅局"),
    ("sfj", "区司法局", "司法局"),
    ("czj", "区财政局", "财政局"),
    ("zrzy", "市自然资源和规划局广陵分局", "自然资源分局"),
    ("xfjy", "区消防救援大队", "消防救援大队"),
    ("sjj", "区数据局", "数据局"),
    ("zfb", "区人民政府办公室", "区政府办"),
    ("zwb", "区政务服务管理办公室", "政务办"),
    ("gxj", "区工业和信息化局", "工信局"),
    ("kjj", "区科学技术局", "科技局"),
    ("tyjr", "区退役军人事务局", "退役军人事务局"),
    ("tjj", "区统计局", "统计局"),
    ("audit", "区审计局", "审计局"),
    ("ybj", "区医疗保障局", "医保局"),
]
# The party organs a district has: key tasks are led by them as often as by the government's
# departments (大督查 itself is run by the 督查室 under the 区委办).
PARTY_ORGANS = [
    ("qwb", "区委办公室", "区委办"),
    ("dcs", "区委区政府督查室", "督查室"),
    ("zzb", "区委组织部", "组织部"),
    ("xcb", "区委宣传部", "宣传部"),
    ("zfw", "区委政法委员会", "政法委"),
    ("jw", "区纪委监委", "纪委监委"),
    ("tzb", "区委统战部", "统战部"),
    ("shgzb", "区委社会工作部", "社会工作部"),
]
PARTY_PARENTS = {"dcs": "qwb"}  # the 督查室 sits in the 区委办
UTILITIES = [
    ("water", "广陵供水服务中心", "供水"),
    ("gas", "广陵燃气服务中心", "燃气"),
    ("power", "广陵供电服务中心", "供电"),
    ("telecom", "广陵通信管线维护站", "通信"),
    ("ctjt", "区城市建设投资集团", "城投集团"),  # the district's state-owned builder of its key works
]
DUTIES_FILE = Path(__file__).parent / "data" / "duties.json"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力国庆春晓燕海波宁琳斌浩宇鹏飞俊凯"


def _digest(seed: str) -> int:
    return int(hashlib.sha256(seed.encode()).hexdigest(), 16)


def demo_name(seed: str) -> str:
    value = _digest(seed)
    given = GIVEN[value // 7 % len(GIVEN)] + (GIVEN[value // 911 % len(GIVEN)] if value % 3 else "")
    return SURNAMES[value % len(SURNAMES)] + given


def demo_phone(seed: str) -> str:
    """A made-up mobile number in the 1380000 test block, never a real subscriber's."""
    return f"1380000{_digest(seed) % 10_000:04d}"


def create_staff(progress=None) -> dict:
    units = _create_units()
    people = _create_people(units, progress)
    return {"units": units["created"], "people": people}


def _create_units() -> dict:
    existing = set(Unit.objects.values_list("code", flat=True))
    district = Region.objects.get(level="district")
    rows = [Unit(code=c, name=n, short_name=s, kind=Unit.Kind.DEPARTMENT, region=district) for c, n, s in DEPARTMENTS]
    rows += [Unit(code=c, name=n, short_name=s, kind=Unit.Kind.PARTY, region=district) for c, n, s in PARTY_ORGANS]
    rows += [Unit(code=c, name=n, short_name=s, kind=Unit.Kind.PROPERTY, region=district) for c, n, s in UTILITIES]
    for region in Region.objects.exclude(level="district").order_by("code"):
        kind = Unit.Kind.STREET if region.is_street_level else Unit.Kind.COMMUNITY
        rows.append(Unit(code=region.code, name=_office_name(region), short_name=region.name, kind=kind, region=region))
    new = [unit for unit in rows if unit.code not in existing]
    Unit.objects.bulk_create(new)
    _link_parents()
    _set_duties()
    return {"created": len(new), "by_code": Unit.objects.in_bulk(field_name="code")}


def _office_name(region) -> str:
    if region.is_street_level:
        return region.name + ("办事处" if region.name.endswith("街道") else "人民政府")
    return region.name + ("村民委员会" if region.level == "village" else "居民委员会")


def _link_parents() -> None:
    units = Unit.objects.in_bulk(field_name="code")
    changed = []
    for unit in units.values():
        parent_code = unit.code[:9] if len(unit.code) == 12 else None
        if parent_code and unit.parent_id is None and parent_code in units:
            unit.parent = units[parent_code]
            changed.append(unit)
    for code, parent_code in PARTY_PARENTS.items():
        unit, parent = units.get(code), units.get(parent_code)
        if unit and parent and unit.parent_id is None:
            unit.parent = parent
            changed.append(unit)
    Unit.objects.bulk_update(changed, ["parent"])


def demo_duties() -> dict[str, str]:
    """Unit code → its 三定 duties in a few sentences."""
    return {code: text for code, text in json.loads(DUTIES_FILE.read_text("utf-8")).items() if not code.startswith("_")}


def demo_units() -> list[tuple[str, str]]:
    """(name, duties) of the district's departments, party organs and utilities, without a
    database: what the decomposer's tests and measures suggest lead units from."""
    duties = demo_duties()
    return [(name, duties.get(code, "")) for code, name, _ in DEPARTMENTS + PARTY_ORGANS + UTILITIES]


def _set_duties() -> None:
    """Every department, party organ and utility gets its duties; a street office its own kind's."""
    duties = demo_duties()
    changed = []
    for unit in Unit.objects.exclude(kind=Unit.Kind.COMMUNITY):
        text = duties.get(unit.code) or (_street_duties(unit.name) if unit.kind == Unit.Kind.STREET else "")
        if text and unit.duties != text:
            unit.duties = text
            changed.append(unit)
    Unit.objects.bulk_update(changed, ["duties"], batch_size=500)


def _street_duties(name: str) -> str:
    return (f"{name}：负责辖区党的建设和基层治理，社区建设和网格化管理；辖区经济发展、招商引资和企业服务；"
            "城市管理、环境整治和征迁安置；民生保障、养老服务和社会救助；安全生产、矛盾纠纷化解和平安建设。")


def staff_plan(units: dict) -> list[tuple]:
    """(username, role, unit code or None, region code or None) for the office staff."""
    plan = [
        ("admin", Role.ADMIN, "sjj", None),
        ("secadmin", Role.SECURITY_ADMIN, "sjj", None),
        ("auditor", Role.AUDITOR, "sjj", None),
        ("leader", Role.LEADER, None, None),
        ("supervisor", Role.SUPERVISOR, "zhzx", None),
        ("operator", Role.OPERATOR, "zhzx", None),
        ("dispatcher", Role.DISPATCHER, "zhzx", None),
        # The offices of the second half, each in the unit that runs it.
        ("supervision", Role.SUPERVISION_OFFICE, "dcs", None),
        ("petition_office", Role.PETITION_OFFICE, "xfj", None),
        ("organisation", Role.ORGANISATION, "zzb", None),
        ("callback", Role.CALLBACK, "zhzx", None),  # 回访: reads an anonymous reporter's phone, audited
    ]
    plan += [(f"handler_{code}", Role.HANDLER, code, None) for code, _, _ in DEPARTMENTS + PARTY_ORGANS + UTILITIES]
    for unit in units.values():
        if unit.kind == Unit.Kind.STREET:
            plan.append((f"street_{unit.code}", Role.HANDLER, unit.code, unit.code))
            plan.append((f"street_sup_{unit.code}", Role.SUPERVISOR, unit.code, unit.code))
        elif unit.kind == Unit.Kind.COMMUNITY:
            plan.append((f"community_{unit.code}", Role.HANDLER, unit.code, unit.code))
    return plan


def _create_people(units: dict, progress) -> int:
    units = units["by_code"]
    User = get_user_model()
    existing = set(User.objects.values_list("username", flat=True))
    password = make_password(DEMO_PASSWORD)  # hashed once: 1,700 PBKDF2 runs would take minutes
    plan = [row for row in staff_plan(units) if row[0] not in existing]
    grids = [grid for grid in Grid.objects.order_by("code") if f"gw{grid.code}" not in existing]
    users = [_user(User, name, password) for name, *_ in plan] + [_user(User, f"gw{g.code}", password) for g in grids]
    User.objects.bulk_create(users, batch_size=1000)
    by_name = User.objects.in_bulk([u.username for u in users], field_name="username")
    _people_and_roles(plan, grids, by_name, units)
    if progress:
        progress("staff", len(users), len(users))
    return len(users)


def _user(User, username: str, password: str):
    superuser = username == "admin"
    return User(username=username, password=password, is_staff=superuser, is_superuser=superuser)


def _people_and_roles(plan, grids, users, units) -> None:
    people, roles = [], []
    for username, role, unit_code, region_code in plan:
        unit = units.get(unit_code) if unit_code else None
        people.append(Person(user=users[username], full_name=demo_name(username), phone=demo_phone(username), unit=unit))
        region = unit.region if region_code and unit else None
        roles.append(RoleAssignment(user=users[username], role=role, unit=unit, region=region))
    for grid in grids:
        user = users[f"gw{grid.code}"]
        community_unit = units.get(grid.code[:12])
        people.append(Person(user=user, full_name=demo_name(user.username), phone=demo_phone(user.username), unit=community_unit))
        roles.append(RoleAssignment(user=user, role=Role.GRID_WORKER, unit=community_unit))
    Person.objects.bulk_create(people, batch_size=1000)
    created = RoleAssignment.objects.bulk_create(roles, batch_size=1000)
    _bind_grid_workers(created[len(plan):], grids)


def _bind_grid_workers(assignments, grids) -> None:
    through = RoleAssignment.grids.through
    links = [through(roleassignment_id=a.pk, grid_id=g.pk) for a, g in zip(assignments, grids)]
    through.objects.bulk_create(links, batch_size=2000)
