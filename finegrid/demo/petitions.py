"""A year of petitions for the demo district, in the fields the seed names (保交楼, 征迁, 落私) and
the everyday ones (劳资, 物业, 邻里): some routed by class, some not accepted, most accepted and
answered — on time or late — some still open and overdue, some the same person again; one goes
the whole chain to 终结 with every document; a few are owned by the district leader (包案), one
of them lagging; and the leader's reception days with their appointments.

Everything goes through the petitions' own engine (register, perform), so the history is what the
app would have written. Deterministic (one seeded generator, dates counted back from today's
midnight), idempotent (nothing when petitions exist) and quick (about 300 petitions)."""

import random
from datetime import UTC, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from finegrid.cases import supervision
from finegrid.cases.deadlines import calendar_in_force
from finegrid.grid.models import Region
from finegrid.org.models import Role, RoleAssignment, Unit
from finegrid.petitions.engine import PETITIONS, PetitionContext
from finegrid.petitions.identity import check_char, unseal
from finegrid.petitions.leader_cases import LEADER_CASES, take_in_charge
from finegrid.petitions.linking import decide
from finegrid.petitions.models import Appointment, Petition, ReceptionDay
from finegrid.petitions.registration import Submission, register
from finegrid.petitions.rules import LOCAL, local_day

from .staff import DEMO_PASSWORD, demo_name, demo_phone

COUNT = 300
DAY = timedelta(days=1)
# field → (the unit responsible, the matters people bring, what they ask)
FIELDS = {
    "保交楼": ("zjj", ["{p}项目停工一年多，已交首付却迟迟不能交房", "{p}楼盘延期交付，开发商资金链断裂"], "要求尽快复工、按期交房"),
    "征迁": ("zrzy", ["{p}片区征收补偿标准偏低，安置房迟迟未分配", "{p}拆迁过渡费停发半年"], "要求落实补偿安置"),
    "落私": ("zjj", ["{p}祖宅解放后纳入经租管理，至今未落实私房政策", "{p}私房被单位长期占用，要求返还"], "要求返还房屋或给予补偿"),
    "劳资": ("rsj", ["{p}工地拖欠农民工工资三个月", "{p}企业停产，职工工资和社保未结清"], "要求支付拖欠工资"),
    "物业": ("zjj", ["{p}小区物业擅自涨价，服务不到位", "{p}小区电梯长期故障，物业推诿"], "要求整改物业服务"),
    "邻里": ("sfj", ["{p}邻居违规搭建，影响采光", "{p}楼上漏水多次协商未果"], "要求依法处理"),
}
WEIGHTS = [24, 18, 10, 20, 18, 10]
PLACES = ["东关街", "文昌中路", "湾头镇", "汤汪", "李典", "沙头", "头桥", "曲江", "汶河", "渡江路"]
CHANNELS = ["visit", "letter", "phone", "online", "12345"]


def seed_petitions(now: datetime | None = None) -> dict:
    if Petition.objects.exists():
        return {"petitions": 0}
    end = datetime.combine((now or datetime.now(UTC)).astimezone(LOCAL).date(), time(0), LOCAL).astimezone(UTC)
    with transaction.atomic():
        world = _world()
        made = _year(random.Random(18), world, end)
        full = _whole_chain(world, end)
        again = _again_after_conclusion(world, full, end)
        hotline = _from_hotline(world, end)
        owned = _leader_cases(world, made, end)
        days = _reception(world, end)
    for _ in range(10):  # the deadline worker catches up with today: yellow and red where due
        if not supervision.tick(end)["claimed"]:
            break
    return {"petitions": len(made) + 2 + len(hotline), "petition_chain": full.number, "not_again": again.number,
            "from_hotline": len(hotline), "leader_cases": owned, "reception_days": days}


def _world() -> dict:
    User = get_user_model()
    office, made = User.objects.get_or_create(username="petition_office",
                                              defaults={"password": make_password(DEMO_PASSWORD)})
    if made or not RoleAssignment.objects.filter(user=office, role=Role.PETITION_OFFICE).exists():
        RoleAssignment.objects.create(user=office, role=Role.PETITION_OFFICE, unit=Unit.objects.filter(code="xfj").first())
    streets = list(Region.objects.filter(level="street").order_by("code").values_list("code", flat=True)) or ["321002001"]
    handlers = {code: User.objects.filter(username=f"handler_{code}").first() for code in {f[0] for f in FIELDS.values()}}
    return {"office": office, "leader": User.objects.get(username="leader"), "streets": streets, "handlers": handlers,
            "units": Unit.objects.in_bulk(field_name="code"), "calendar": calendar_in_force()}


def _person(rng: random.Random, n: int) -> dict:
    body = f"321002{1950 + n % 50}{1 + n % 12:02d}{1 + n % 28:02d}{n % 1000:03d}"
    return {"name": demo_name(f"petitioner{n}"), "id_number": body + check_char(body), "phone": demo_phone(f"p{n}"),
            "address": f"广陵区{rng.choice(PLACES)}{1 + n % 90}号"}


def _act(world, petition, action, actor, at, **inputs):
    reason, unit = inputs.pop("reason", ""), inputs.pop("unit", None)
    ctx = PetitionContext(petition, calendar=world["calendar"])
    return PETITIONS.perform(petition, action, actor, reason=reason, unit=unit, data=inputs, now=at, context=ctx)


def _year(rng: random.Random, world, end) -> list:
    made, people = [], []
    for i in range(COUNT):
        at = end - timedelta(days=365 * (COUNT - i) / COUNT, hours=rng.randint(-6, 0))
        again = people and rng.random() < 0.12  # the same person, the same matter, again
        person, field, matter = rng.choice(people) if again else (_person(rng, i), None, None)
        if not again:
            field = rng.choices(list(FIELDS), WEIGHTS)[0]
            matter = rng.choice(FIELDS[field][1]).format(p=rng.choice(PLACES))
            people.append((person, field, matter))
        sub = Submission(channel=rng.choice(CHANNELS), matter=matter, demand=FIELDS[field][2], field=field,
                         area_code=rng.choice(world["streets"]), level="city" if again and rng.random() < 0.3 else
                         "district", **person)
        petition = register(sub, world["office"], now=at, calendar=world["calendar"])
        if again:
            for link in petition.links.filter(subject="petition")[:1]:
                decide(link, world["office"], True, at + DAY)
        _path(rng, world, petition, at, end)
        made.append(petition)
    return made


def _path(rng, world, petition, at, end) -> None:
    """One petition's life: routed, declined, or accepted and answered (on time or late), or still open."""
    office, unit_code = world["office"], FIELDS[petition.field][0]
    handler, step = world["handlers"][unit_code], at + DAY * rng.randint(1, 6)
    if step >= end:
        return
    roll = rng.random()
    if roll < 0.12:
        kind, to = rng.choice([("proposal", "转有关部门参考"), ("legal", "仲裁"), ("legal", "诉讼"), ("accusation", "纪检监察机关")])
        _act(world, petition, "route", office, step, kind=kind, to=to, opinion="已按类别告知信访人依法处理途径。")
        return
    _act(world, petition, "transfer", office, step, unit=world["units"][unit_code])
    step += DAY * rng.choice([2, 5, 9, 14, 18])  # some decide late
    if step >= end:
        return
    if roll < 0.2:
        _act(world, petition, "decline", handler, step, reason="已进入诉讼程序", instead="区人民法院")
        return
    _act(world, petition, "accept", handler, step)
    if rng.random() < 0.1 and step + 40 * DAY < end:
        _act(world, petition, "extend", handler, step + 40 * DAY, days=30, approved_by="区信访局", reason="情况复杂，需协调多部门")
    answer = step + DAY * rng.choice([20, 35, 50, 58, 75, 100])
    if answer >= end:
        return  # still being handled: the worker marks it when it is overdue
    _act(world, petition, "answer", handler, answer, opinion="经调查核实，已责成相关单位限期整改。")
    if rng.random() < 0.8 and answer + 3 * DAY < end:
        _act(world, petition, "rate", office, answer + 3 * DAY, rating=rng.choices([3, 2, 1], [55, 30, 15])[0])


def _whole_chain(world, end):
    """One petition through 登记, 受理, 办理 with an extension, 答复, 复查 and 复核 to 终结."""
    office, handler, start = world["office"], world["handlers"]["zjj"], end - 280 * DAY + timedelta(hours=9, minutes=30)
    person = {"name": "周玉兰", "id_number": "32100219620315" + "102" + check_char("32100219620315102"),
              "phone": "13800009001", "address": "广陵区东关街88号"}
    sub = Submission(channel="visit", matter="东关街88号私房于1958年纳入经租，至今未落实私房政策", demand="要求返还房屋",
                     field="落私", area_code=world["streets"][0], **person)
    petition = register(sub, office, now=start, calendar=world["calendar"])
    steps = [("transfer", 1, {"unit": world["units"]["zjj"]}, office), ("accept", 5, {}, handler),
             ("extend", 55, {"days": 30, "approved_by": "区信访局局长", "reason": "需调取1958年经租档案"}, handler),
             ("answer", 85, {"opinion": "经核查档案，该房屋属经租房，按政策给予货币补偿。"}, handler),
             ("review", 100, {}, office), ("answer_review", 125, {"opinion": "复查维持原处理意见。"}, office),
             ("recheck", 140, {}, office), ("answer_recheck", 165, {"opinion": "复核维持，本意见为终结意见。"}, office)]
    for action, day, inputs, actor in steps:
        _act(world, petition, action, actor, start + day * DAY, **dict(inputs))
    return petition


def _again_after_conclusion(world, full, end):
    """The same person with the same matter after 终结: recognised and answered 不再受理."""
    person = full.petitioner
    sub = Submission(channel="visit", matter=full.matter, demand=full.demand, field=full.field, area_code=full.area_code,
                     name=person.name, id_number=unseal(person.id_sealed), phone=person.phone, address=person.address)
    at = end - 60 * DAY + timedelta(hours=10)
    petition = register(sub, world["office"], now=at, calendar=world["calendar"])
    _act(world, petition, "not_again", world["office"], at + DAY)
    return petition


HOTLINE_CLAIMS = [
    ("孙丽", "13912340001", "保利小区项目停工一年多，已交首付迟迟不能交房，多次反映至今未解决，要求尽快复工交房"),
    ("钱强", "13912340002", "湾头镇征收安置房迟迟未分配，过渡费停发三个月，要求落实补偿安置"),
    ("吴敏", "13912340003", "工地拖欠农民工工资两个月，老板失联，要求支付拖欠工资"),
]


def _from_hotline(world, end) -> list:
    """12345转办: three hotline callers with a claim; the office takes two in, the third waits on its list."""
    from finegrid.cases.models import Case
    from finegrid.cases.reporting import open_case
    from finegrid.insight.models import CaseLabels
    from finegrid.petitions.from_cases import take_case

    taken = []
    for i, (name, phone, text) in enumerate(HOTLINE_CLAIMS):
        at = end - (12 - 4 * i) * DAY + timedelta(hours=9)
        case = open_case(channel=Case.Channel.HOTLINE, title=text[:24], description=text, reporter_name=name,
                         reporter_phone=phone, address=f"广陵区{PLACES[i]}{10 + i}号", area_code=world["streets"][i % len(world["streets"])],
                         now=at)
        CaseLabels.objects.create(case=case, topic="城乡建设", request_type="投诉", urgency="一般")
        if i < 2:
            taken.append(take_case(Case.objects.get(pk=case.pk), world["office"], now=at + DAY))
    return taken


def _leader_cases(world, made, end) -> int:
    """包案: the district leader owns the oldest open matters of 保交楼 and 征迁; one has gone quiet."""
    open_rows = [p for p in made if p.state in ("handling", "transferred") and p.field in ("保交楼", "征迁", "落私")][:5]
    for i, petition in enumerate(open_rows):
        taken = petition.registered_at + 20 * DAY
        case = take_in_charge(petition, world["leader"], now=taken, actor=world["office"])
        plan = [{"what": "约谈责任主体", "who": "区住建局", "by": local_day(taken + 10 * DAY).isoformat()},
                {"what": "制定化解方案", "who": petition.unit.short_name if petition.unit_id else "区信访局",
                 "by": local_day(taken + 40 * DAY).isoformat()}]
        LEADER_CASES.perform(case, "plan", world["leader"], data={"plan": plan}, now=taken + DAY)
        if i:  # all but the first report progress; the first lags and is supervised
            LEADER_CASES.perform(case, "progress", world["leader"], data={"note": "已约谈，方案推进中", "done": [0, 1]},
                                 now=min(end - DAY, taken + 30 * DAY))
    return len(open_rows)


def _reception(world, end) -> int:
    for weeks in (-3, -1, 1):
        # 09:00 in Yangzhou on the day (end is local midnight; an hour after it read 01:00 on the page).
        starts = datetime.combine(local_day(end + weeks * 7 * DAY), time(9), LOCAL)
        day = ReceptionDay.objects.create(leader=world["leader"], starts_at=starts,
                                          place="区人民来访接待中心", topic="保交楼、征迁专场")
        for n in range(3):
            Appointment.objects.create(day=day, name=demo_name(f"visitor{weeks}{n}"), phone=demo_phone(f"v{weeks}{n}"),
                                       matter="小区交房问题", received_at=day.starts_at if weeks < 0 else None,
                                       outcome="已当面答复，转住建局办理" if weeks < 0 else "")
    return 3
