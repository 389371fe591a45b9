"""A year of disputes (矛盾纠纷) across the demo district's fields and streets, lived through the
dispute machine step by step with the clock passed in: most mediated within their month and
closed with 三到位, some late, some referred to 诉讼/仲裁/信访, a few reopened after a visit found
the agreement broken, and the recent ones still open — some past their month, warned and
escalated by the deadline worker's own `supervise`. `seed_disputes()` does nothing when the
district already has disputes; the same `end` gives the same disputes."""

import random
from datetime import UTC, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from finegrid.cases import deadlines, supervision
from finegrid.disputes.engine import DISPUTES
from finegrid.disputes.models import Dispute
from finegrid.disputes.register import NewDispute, NewParty, register
from finegrid.grid.models import Grid
from finegrid.org.models import Unit

from .staff import demo_name, demo_phone

DAY = timedelta(days=1)
PER_YEAR = 240  # about 20 a street: the demo is seeded in seconds through the machine itself
# (field, share, titles, respondents, risk reasons): what a district's disputes are about.
FIELDS = [
    ("neighbours", 24, ["楼上漏水致楼下受损", "装修噪音扰民", "楼道堆物占道", "违建阻挡采光", "宠物扰邻"],
     ["楼上住户", "隔壁住户", "对门住户"], ["双方多次争吵", "曾有推搡", "积怨多年"]),
    ("property", 16, ["物业费收取争议", "小区停车收费纠纷", "电梯长期停运", "公共收益去向不明"],
     ["物业服务公司", "业主委员会"], ["多户业主联名", "业主群情绪激动"]),
    ("labour", 14, ["工程款拖欠致农民工欠薪", "餐馆拖欠工资", "工伤赔偿争议", "解除劳动合同补偿争议"],
     ["建筑劳务公司", "餐饮店经营者", "装饰公司"], ["涉及二十余名工人", "临近春节讨薪", "扬言到区政府聚集"]),
    ("family", 11, ["离婚财产分割纠纷", "赡养老人纠纷", "继承房产纠纷"], ["配偶", "兄弟姐妹", "子女"],
     ["家庭矛盾激化", "老人无人照料"]),
    ("delivery", 11, ["商品房逾期交付", "交付房屋质量问题", "停工楼盘业主维权"], ["置业有限公司", "房地产开发公司"],
     ["百余户业主", "业主拉横幅", "涉及保交楼专项借款"]),
    ("expropriation", 8, ["征收补偿标准争议", "安置房分配争议", "临时过渡费发放争议"], ["征收实施单位", "街道征收办"],
     ["拒不腾退", "曾到市里上访"]),
    ("private_housing", 6, ["经租房产权发还争议", "私房被占用要求腾退", "落实私房政策补偿争议"],
     ["房管部门", "现住户"], ["历史遗留数十年", "多次信访未果"]),
    ("other", 10, ["消费纠纷", "交通事故赔偿纠纷", "土地承包经营纠纷"], ["商户", "肇事方"], ["双方分歧较大"]),
]
RISKS = [("red", 10), ("orange", 25), ("yellow", 65)]
PROJECTS = ["BJL-2026-01 湾头某花园", "BJL-2026-02 运河某府", "BJL-2026-03 沙头某苑"]
REFERRALS = ["lawsuit", "arbitration", "petition"]
THREE = {"problem_solved": "协议约定事项已履行到位", "minds_eased": "调解员与双方多次谈心，情绪已平复",
         "help_given": "社区协助申请临时救助并联系法律援助"}


def seed_disputes(end: datetime | None = None, count: int = PER_YEAR) -> int:
    """Creates a year of disputes before `end` (now by default) unless there are some already."""
    if Dispute.objects.exists() or not Grid.objects.exists():
        return 0
    end = (end or timezone.now()).astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    cast = _Cast()
    if not cast.streets:
        return 0
    rng = random.Random(2026)
    watch = _Watch()
    with transaction.atomic():
        for index in range(count):
            at = end - timedelta(days=365) + timedelta(hours=rng.randrange(365 * 24))
            _live(rng, cast, watch, index, _local_daytime(at), end)
        mine = _this_week_on_the_login_grid(cast, watch, end)
    return count + mine


LOGIN_GRID = "321002001001001"  # the grid of the demo's named grid-worker login (seed_demo's DEMO_LOGINS)


def _this_week_on_the_login_grid(cast, watch, end) -> int:
    """Two open disputes of this week on the login grid worker's grid — one waiting for its mediator,
    one being mediated by them — so the phone desk has work on it: the year's draw left it none open."""
    worker, street = cast.user(f"gw{LOGIN_GRID}"), next((s for s in cast.streets if LOGIN_GRID.startswith(s.code)), None)
    handler = cast.user(f"street_{street.code}") if street else None
    if worker is None or handler is None:
        return 0
    made = 0
    for n, (title, reason) in enumerate((("楼上漏水致楼下受损", "双方多次争吵"), ("楼道堆物占道", "涉及整栋住户"))):
        at = _local_daytime(end - timedelta(days=3 - n))
        given = NewDispute(title=title, field="neighbours", risk="yellow", risk_reason=reason, grid_code=LOGIN_GRID,
                           description=f"{title}，请求网格员协调。", parties=[
                               NewParty(demo_name(f"login-grid-{n}-a"), "applicant", demo_phone(f"login-grid-{n}-a")),
                               NewParty("楼上住户" if n == 0 else "对门住户", "respondent", demo_phone(f"login-grid-{n}-r"))])
        dispute = register(given, worker, at)
        if n == 0:
            DISPUTES.perform(dispute, "assign", handler, unit=street, data={"mediator": worker.username},
                             now=at + timedelta(hours=2))
            DISPUTES.perform(dispute, "session", worker, data={"summary": "第1次调解：上门查看漏水点，约定维修方案"},
                             now=at + DAY)
        watch.until(dispute, end)
        made += 1
    return made


def _local_daytime(at: datetime) -> datetime:
    """Registrations happen in office hours, Shanghai time (UTC+8)."""
    return at.replace(hour=1 + at.hour % 9)


class _Cast:
    """The demo's streets, their committees (the street office's unit), grids and people."""

    def __init__(self):
        units = Unit.objects.filter(kind=Unit.Kind.STREET).order_by("code")
        self.streets = [u for u in units if u.region_id]
        grids = list(Grid.objects.order_by("code").values_list("code", flat=True))
        self.grids = {s.code: [g for g in grids if g.startswith(s.code)] for s in self.streets}
        self.streets = [s for s in self.streets if self.grids[s.code]]
        self._users = {}

    def user(self, username):
        if username not in self._users:  # one object per person: its grants are read once
            self._users[username] = get_user_model().objects.filter(username=username).first()
        return self._users[username]


def _pick(rng, weighted):
    return rng.choices([row for row in weighted], weights=[row[1] for row in weighted])[0]


def _new(rng, cast, index) -> tuple:
    field, _, titles, respondents, reasons = _pick(rng, FIELDS)
    # 落私 and 征迁 are the old city's (东关, 汶河); 保交楼 the newer streets'.
    streets = cast.streets[:2] if field in ("private_housing", "expropriation") and rng.random() < .7 else cast.streets
    street = rng.choice(streets)
    grid = rng.choice(cast.grids[street.code])
    applicant = demo_name(f"dispute-{index}-a")
    given = NewDispute(
        title=rng.choice(titles), field=field, risk=_pick(rng, RISKS)[0], risk_reason=rng.choice(reasons),
        grid_code=grid, project_ref=rng.choice(PROJECTS) if field == "delivery" else "",
        description=f"{applicant}反映：{rng.choice(titles)}，请求调解。",
        parties=[NewParty(applicant, "applicant", demo_phone(f"dispute-{index}-a")),
                 NewParty(rng.choice(respondents), "respondent", demo_phone(f"dispute-{index}-r"))])
    return given, street, grid


def _live(rng, cast, watch, index, at, end) -> None:
    given, street, grid = _new(rng, cast, index)
    worker, handler = cast.user(f"gw{grid}"), cast.user(f"street_{street.code}")
    if worker is None or handler is None:
        return
    dispute = register(given, worker, at)
    for when, action, actor, kwargs in _story(rng, worker, handler, street, at):
        if when > end:
            break  # the story runs on past today: it stops where it is, open
        watch.until(dispute, when)
        DISPUTES.perform(dispute, action, actor, now=when, **kwargs)
    watch.until(dispute, end)


def _story(rng, worker, handler, committee, at) -> list:
    """The steps of one dispute's life, as (when, action, actor, keywords)."""
    by_worker = rng.random() < .6  # a grid worker mediates, or the street's committee staff
    mediator = worker if by_worker else handler
    t = at + timedelta(hours=rng.randint(2, 48))
    assign = {"unit": committee, "data": {"mediator": worker.username} if by_worker else {}}
    steps = [(t, "assign", handler, assign)]
    fate = rng.random()
    slow = fate > .9  # a tenth are mediated late, past the month
    for n in range(rng.randint(1, 3)):
        t += timedelta(days=rng.randint(3, 14 if slow else 8))
        steps.append((t, "session", mediator, {"data": {"summary": f"第{n + 1}次调解：听取双方意见，释法明理",
                                                         "place": "社区人民调解室"}}))
    if rng.random() < .06:  # both parties agree to more time for an appraisal
        steps.append((t + DAY, "extend", mediator, {"reason": "需委托第三方鉴定", "data": {
            "days": 20, "applicant_consent": True, "respondent_consent": True}}))
    t += timedelta(days=rng.randint(1, 5) + (20 if slow else 0))
    if fate < .11:
        return steps + [(t, "fail", mediator, {"reason": "双方分歧过大，调解不成",
                                               "data": {"referral": rng.choice(REFERRALS)}})]
    if fate < .15:  # stalled (久调不决): still mediating, long past its month
        return steps
    steps.append((t, "agree", mediator, {"data": {"agreement": "双方自愿达成调解协议，约定履行事项及期限"}}))
    t += timedelta(days=rng.randint(7, 20))
    if fate < .21:  # the visit finds the agreement broken: reopened, mediated again
        steps += [(t, "visit", worker, {"data": {"kept": False, "note": "一方未按期履行"}}),
                  (t + DAY, "reopen", handler, {"reason": "回访发现协议未履行"}),
                  (t + 8 * DAY, "session", mediator, {"data": {"summary": "再次调解，督促履行"}}),
                  (t + 10 * DAY, "agree", mediator, {"data": {"agreement": "重新约定履行期限"}})]
        t += 25 * DAY
    steps.append((t, "visit", worker, {"data": {"kept": True, "note": "协议已履行"}}))
    return steps + [(t + timedelta(days=rng.randint(1, 4)), "close", handler, {"data": THREE})]


class _Watch:
    """The deadline worker's looks at a dispute, at the very moments it would make them, through
    its own `supervise`: 临期 at 80 % of the month, 超期 and the street's supervisors at its end,
    the leaders at 150 %."""

    def __init__(self):
        self.calendar = deadlines.calendar_in_force()
        self.watched = next(w for w in supervision.WATCHES if w.model is Dispute)

    def until(self, dispute, moment) -> None:
        while dispute.next_check_at is not None and dispute.next_check_at <= moment:
            seen = dispute.next_check_at
            supervision.supervise(dispute, seen, seen, self.calendar, self.watched)
