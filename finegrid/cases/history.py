"""A year of realistic case history for the demo district: `generate_history(n)`.

Each case is lived through step by step in memory under the rules of `actions.ACTIONS` and the
changes of `effects` — the same deadlines from the work calendar, the same automatic dispatch
when the matrix names one unit, and the deadline worker's warnings (`supervision`) at the very
moments it would write them — then everything is written in bulk (SQLite: one prepared INSERT
stepped over all rows; PostgreSQL: COPY): the cases, with ids chosen here so tickets and
transitions can name them, then their transitions. The same seed and `end` give the same
history, ticket for ticket.

The realism knobs are the tables below: the channel mix, the 大类 that dominate, the daily and
weekly rhythm, the share of each side path, and every unit's hidden diligence, so evaluation
figures differ between units the way real ones do. A story that runs past `end` stops where it
is, and a few recent ones are cut short in each open state, so the console has live work."""

import gc
import json
import math
import random
from bisect import bisect
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from itertools import accumulate, islice
from operator import itemgetter
from types import SimpleNamespace

import numpy as np
import shapely
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from finegrid.demo.staff import demo_name, demo_phone
from finegrid.grid.models import Grid, MicroGrid, Region
from finegrid.org.models import Person, Responsibility, Role, RoleAssignment, Unit

from . import deadlines
from .actions import ACTIONS, FINAL, SYSTEM
from .calendar import HOTLINE_TIERS, WORKING_KINDS, Limit, LimitKind, parse_limit
from .models import AcceptanceCondition, Case, CategoryRule, Transition
from .reporting import ticket_for
from .supervision import LEADER_SHARE, RUNNING

S = Case.State
YEAR = timedelta(days=365)
MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)
# Asia/Shanghai has kept UTC+8 without daylight saving since 1991: a fixed offset is exact here
# and much cheaper than a zoneinfo conversion for each of a million moments.
LOCAL = timedelta(hours=8)

CHANNELS = {"hotline": 0.45, "patrol": 0.35, "open311": 0.07, "web": 0.05, "sensor": 0.03,
            "enterprise": 0.03, "other": 0.02}
# What each channel brings in, by catalogue domain; residents see only the public categories.
DOMAINS = {
    "hotline": {"hotline": 0.62, "event": 0.22, "component": 0.06, "social": 0.10},
    "patrol": {"event": 0.55, "component": 0.33, "social": 0.12},
    "open311": {"event": 0.50, "component": 0.35, "hotline": 0.15},
    "web": {"event": 0.45, "component": 0.25, "hotline": 0.30},
    "sensor": {"sensor": 1.0},
    "enterprise": {"enterprise": 1.0},
    "other": {"emergency": 0.4, "social": 0.6},
}
RESIDENT_CHANNELS = frozenset({"hotline", "open311", "web"})
# A few 大类 dominate, as in every district's statistics; one not named here weighs 2.
MAJOR_WEIGHTS = {
    "公用设施": 30, "道路交通设施": 30, "市容环境设施": 15, "园林绿化设施": 15, "其他部件": 5,
    "市容环境": 40, "街面秩序": 25, "施工管理": 15, "宣传广告": 10, "突发事件": 5, "其他事件": 5,
    "城乡建设": 25, "环境保护": 12, "劳动和社会保障": 10, "交通运输": 9, "政法": 8, "商贸旅游": 7, "教育文体": 7,
    "卫生计生": 6, "民政": 5, "农村农业": 3, "经济管理": 3, "国土资源": 2, "科技与信息产业": 2, "党务政务": 1,
    "纪检监察": 1, "矛盾纠纷": 45, "安全隐患": 35, "特殊人群服务": 15, "信访": 5,
    "气体监测": 30, "水位监测": 20, "消防监测": 20, "设备状态": 30,
    "自然灾害": 40, "事故灾难": 40, "公共卫生事件": 10, "社会安全事件": 10,
}
# Within its 大类, a 小类 named with one of these words is this much more common (others get a
# fixed random spread): noise, property management and roads are what residents call about.
HOT_WORDS = {"噪音": 8, "扰民": 8, "物业": 6, "住房": 5, "环境污染": 5, "城市建设": 5, "道路": 4, "占道": 4,
             "小广告": 4, "乱停放": 4, "工资": 4, "垃圾": 3, "乱堆": 3, "路灯": 3, "邻里": 3, "消防": 3,
             "劳动关系": 3, "井盖": 1.5}
# Reports per local hour of the day, and how busy a weekend and a holiday are against a working day.
HOURS = {
    "hotline": [1, .6, .4, .3, .3, .5, 1.5, 4, 8, 10, 10, 9, 7, 7, 9, 9, 8, 7, 6, 6, 5, 4, 3, 2],
    "patrol": [0, 0, 0, 0, 0, 0, .2, 1, 6, 10, 9, 5, 2, 3, 7, 9, 8, 5, 1, .3, .1, 0, 0, 0],
    "web": [2, 1, .5, .3, .3, .5, 1, 3, 5, 6, 6, 6, 5, 5, 6, 6, 6, 6, 7, 8, 9, 8, 6, 4],
    "sensor": [1] * 24,
    "enterprise": [0, 0, 0, 0, 0, 0, 0, .5, 4, 9, 10, 7, 2, 4, 9, 9, 7, 3, .5, .2, 0, 0, 0, 0],
    "other": [1, 1, 1, 1, 1, 1, 2, 3, 4, 4, 4, 4, 3, 3, 4, 4, 4, 4, 3, 3, 2, 2, 1, 1],
}
HOURS["open311"] = HOURS["web"]
OFF_DAYS = {"hotline": (0.75, 0.55), "patrol": (0.35, 0.2), "open311": (0.9, 0.8), "web": (0.9, 0.8),
            "sensor": (1.0, 1.0), "enterprise": (0.15, 0.05), "other": (0.8, 0.7)}
INTRO = {"hotline": "市民来电反映：", "patrol": "网格员巡查发现：", "open311": "市民通过App反映：",
         "web": "市民网上反映：", "sensor": "传感器报警：", "enterprise": "企业反映：", "other": "上报："}
# Shares of the side paths (of all cases, or of the cases a path can happen to).
SHARES = {
    "void": 0.01, "duplicate": 0.02, "late": 0.1, "rescued": 0.4, "extension_anyway": 0.01,
    "extension_refused": 0.1, "reassign": 0.03, "wrong_pick": 0.25, "send_back": 0.008, "rework": 0.035,
    "park": 0.004, "supervise": 0.4, "reopen": 0.4, "anonymous": 0.1, "rated_by_operator": 0.6,
}
# Units' hidden diligence: (share of units, multiplier of the district's late share).
PROFILES = [(0.6, 0.35), (0.25, 1.0), (0.1, 2.5), (0.05, 4.5)]
RATINGS = {"on_time": {1: 1, 2: 2, 3: 7, 4: 25, 5: 65}, "late": {1: 8, 2: 12, 3: 20, 4: 30, 5: 30},
           "again": {3: 20, 4: 40, 5: 40}}
REASONS = {
    "void": ["非本区管辖范围", "信息不实，现场核实无此问题", "咨询类诉求，已当场解答"],
    "rework": ["现场核查未整改到位", "整改不彻底，问题依旧存在", "反馈照片与现场不符"],
    "reassign": ["不属于本单位职责，改派", "经核实应由其他单位处置"],
    "send_back": ["非本单位职责范围", "地址不详，无法处置"],
    "extend_request": ["涉及多部门协调，需延期办理", "需采购材料，申请延期", "天气原因无法施工，申请延期"],
    "extend_reject": ["延期理由不充分"],
    "park": ["涉及历史遗留问题，暂无法解决，挂账督办", "需纳入年度计划统筹解决"],
    "reopen": ["市民对办理结果不满意，重新办理"],
    "supervise": ["已超期，请立即处置并反馈", "超期未办结，督促办理"],
}
COMPLEX_WORDS = ("征收", "拆迁", "土地", "劳动关系", "工资", "社保", "住房保障", "信访")
UTILITY_WORDS = ("供水", "燃气", "用电", "停电", "供热", "电力", "液化气")
FALLBACK_UNITS = ("cgj", "zjj", "jtj", "sthj", "scjg", "zhzx")  # where a dispatcher turns when unsure
NEVER = datetime.max.replace(tzinfo=UTC)
LIVE_WINDOW = timedelta(days=3)  # "recent": reported this long before `end`
# An ambiguous case (共管, two primary units) can sit in the dispatcher's queue this long.
STALE_WINDOW = timedelta(days=14)
LIVE_STATES = (S.COLLECTED, S.VERIFIED, S.ACCEPTED, S.DISPATCHED, S.HANDLING, S.HANDLED, S.CHECKED)
CHUNK = 5000  # rows per INSERT batch and progress report


class HistoryError(Exception):
    """The database lacks what a history needs (categories, grids, office staff)."""


class _Stop(Exception):
    """The story has reached `end`: the case stays where it is."""


def generate_history(n: int, *, seed: int = 0, end: datetime | None = None, progress=None) -> dict:
    """Writes `n` cases reported over the year before `end` (default now), with their transitions."""
    with _without_cycle_collection():
        return _generate(n, seed, (end or timezone.now()).astimezone(UTC).replace(microsecond=0), progress)


@contextmanager
def _without_cycle_collection():
    """Millions of small objects and no reference cycles among them: the cyclic collector would
    only rescan them again and again (measured: a fifth of the run)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _generate(n: int, seed: int, end: datetime, progress) -> dict:
    rng = random.Random(seed)
    world = _World(rng, end)
    n_dup = round(n * SHARES["duplicate"])
    sims = [_sample(world, rng, key, seed) for key in range(n - n_dup)]
    world.calibrate(sims)
    for done, sim in enumerate(sims, 1):
        sim.run(_life, seed)
        if done % 5000 == 0:
            _tick(progress, "simulate", done, n)
    _keep_live_work(sims, rng, seed, max(1, n // 20_000))
    dups = _duplicates(world, rng, sims, n_dup, seed)
    everything = sorted(sims + dups, key=lambda s: (s.reported_at, s.key))
    _number(everything)
    for sim in dups:
        sim.run(_duplicate_life, seed)
    _tick(progress, "simulate", n, n)
    transitions = _write(everything, progress)
    still_open = sum(1 for s in everything if s.state not in FINAL)
    return {"cases": len(everything), "transitions": transitions, "open": still_open}


def _tick(progress, step, done, total):
    if progress:
        progress(step, done, total)


# --- what the database holds --------------------------------------------------------------------


class _World:
    """Everything the stories need, read once: categories, places, units, people, matrix, calendar."""

    def __init__(self, rng: random.Random, end: datetime):
        self.end, self.start = end, end - YEAR
        self.calendar = deadlines.calendar_in_force()
        self.leaves = _leaves()
        if not self.leaves:
            raise HistoryError("no categories with rules: load the catalogue first (finegrid load-catalogue)")
        self._places()
        self._people()
        self.matrix, self._resolved = _matrix(), {}
        spread = {leaf.code: _leaf_weight(leaf, rng) for leaf in self.leaves}
        self.pools = {channel: _pool(self.leaves, spread, channel) for channel in CHANNELS}
        self.channels = [c for c in CHANNELS if self.pools[c]]
        self.channel_weights = list(accumulate(CHANNELS[c] for c in self.channels))
        self.days = {channel: self._days(channel) for channel in self.channels}
        self.hours = {channel: list(accumulate(HOURS[channel])) for channel in self.channels}
        self.diligence = {unit: _profile(rng) for unit in sorted(self.handlers)}
        self.late, self.rework = {}, {}
        self.auto_reason = _("responsibility matrix")  # as dispatch.auto_dispatch words it
        self._seconds = {}

    def seconds(self, limit: Limit) -> float:
        if limit not in self._seconds:
            self._seconds[limit] = self.calendar.limit_seconds(limit)
        return self._seconds[limit]

    def _places(self):
        rows = list(MicroGrid.objects.order_by("code").values_list("code", "grid_id", "households", "geometry"))
        if not rows:
            raise HistoryError("no micro-grids: import the grids first (finegrid seed-demo)")
        points = shapely.point_on_surface(np.array([row[3] for row in rows], dtype=object))
        xs, ys = shapely.get_x(points), shapely.get_y(points)
        self.cells = [(code, grid, round(float(x), 6), round(float(y), 6)) for (code, grid, _h, _g), x, y in
                      zip(rows, xs, ys)]
        self.cell_weights = list(accumulate(1 + row[2] for row in rows))
        self.names = dict(Region.objects.values_list("code", "name"))
        self.grid_names = dict(Grid.objects.values_list("pk", "name"))

    def _people(self):
        self.units = {code: pk for code, pk in Unit.objects.filter(active=True).values_list("code", "pk")}
        self.handlers = _first_per(RoleAssignment.objects.filter(role=Role.HANDLER, unit__active=True).values_list(
            "unit__code", "user_id", "user__username"), Role.HANDLER)
        self.workers = _first_per(RoleAssignment.objects.filter(role=Role.GRID_WORKER, grids__isnull=False)
                                  .values_list("grids__id", "user_id", "user__username"), Role.GRID_WORKER)
        people = Person.objects.filter(user_id__in=[w[0] for w in self.workers.values()])
        self.people = {pk: (name, phone) for pk, name, phone in people.values_list("user_id", "full_name", "phone")}
        self.operator, self.dispatcher, self.supervisor = (
            _office_user(role) for role in (Role.OPERATOR, Role.DISPATCHER, Role.SUPERVISOR))
        if not self.handlers:
            raise HistoryError("no unit has a handler: create the organisation first (finegrid seed-demo)")

    def _days(self, channel: str):
        """(local dates, cumulative weights) of the year: weekly rhythm, holidays, summer, growth."""
        weekend, holiday = OFF_DAYS[channel]
        first, last = (self.start + LOCAL).date(), (self.end + LOCAL).date()
        days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
        weights = []
        for index, day in enumerate(days):
            weight = holiday if day in self.calendar.holidays else (
                1.0 if self.calendar.is_working_day(day) else weekend)
            season = 1 + 0.15 * math.cos(2 * math.pi * (day.timetuple().tm_yday - 196) / 365)  # July peak
            weights.append(weight * season * (0.95 + 0.1 * index / len(days)))  # and a slow rise
        return days, list(accumulate(weights))

    def calibrate(self, sims):
        """Each unit's late and rework shares from its diligence, scaled so the district as a whole
        comes out at SHARES["late"] and near SHARES["rework"] whatever mix of units the cases go to."""
        volume = {}
        for sim in sims:
            volume[sim.planned] = volume.get(sim.planned, 0) + 1
        total = sum(volume.values()) or 1
        mean = sum(self.diligence.get(unit, 1.0) * count for unit, count in volume.items()) / total or 1.0
        self.late = {unit: min(0.6, SHARES["late"] * d / mean) for unit, d in self.diligence.items()}
        self.rework = {unit: SHARES["rework"] * (0.5 + 0.5 * d / mean) for unit, d in self.diligence.items()}

    def responsible(self, leaf, area_code: str) -> tuple[list[str], list[str]]:
        """(primary, secondary) unit codes the matrix names here, read as `org.responsibility.rows_for` does."""
        key = (leaf.code, area_code[:12])
        if key not in self._resolved:
            self._resolved[key] = _read_matrix(self.matrix, self.units, *key)
        return self._resolved[key]

    def fallback(self, leaf, area_code: str, avoid: str = "") -> str:
        """A unit with a handler for a case the matrix does not settle: the local office for street
        and community work, else the usual departments."""
        local = {"street": area_code[:9], "community": area_code[:12]}.get(leaf.unit_kind)
        primary, secondary = self.responsible(leaf, area_code)
        for code in [*primary, *secondary, local, *FALLBACK_UNITS, *sorted(self.handlers)]:
            if code and code != avoid and code in self.handlers:
                return code
        return avoid

    def worker(self, sim) -> tuple:
        return self.workers.get(sim.grid_id) or self.operator


def _first_per(rows, role) -> dict:
    found = {}
    for key, user_id, username in sorted(rows, key=lambda row: (str(row[0]), row[2])):
        found.setdefault(key, (user_id, username, role))
    return found


def _office_user(role: str) -> tuple:
    """The demo's `operator` / `dispatcher` / `supervisor`, else whoever holds the role district-wide."""
    rows = RoleAssignment.objects.filter(role=role, region__isnull=True).order_by("user__username")
    found = (rows.filter(user__username=role).values_list("user_id", "user__username").first()
             or rows.values_list("user_id", "user__username").first())
    if found is None:
        raise HistoryError(f"nobody holds the role {role} for the whole district: create the staff first")
    return (*found, role)


def _leaves() -> list[SimpleNamespace]:
    """Active 小类 with their newest rule and its first condition (the one `effects` accepts under)."""
    rules = {}
    for rule in CategoryRule.objects.filter(category__level=2, category__active=True).select_related(
            "category__parent").order_by("category__code", "version"):
        rules[rule.category_id] = rule  # ordered by version: the newest stays
    first = {}
    for condition in AcceptanceCondition.objects.filter(rule__in=list(rules.values())).order_by("rule_id", "-seq"):
        first[condition.rule_id] = condition  # ordered by -seq: the first stays
    leaves = []
    for rule in rules.values():
        category, condition, major = rule.category, first.get(rule.pk), rule.category.parent or rule.category
        if condition is not None:
            leaves.append(SimpleNamespace(
                code=category.code, id=category.pk, name=category.name, domain=category.domain,
                public=category.public, keywords=list(category.keywords or []), major_code=major.code,
                major_name=major.name, rule_id=rule.pk, verify=rule.verify_required, check=rule.check_required,
                unit_kind=rule.unit_kind, condition_id=condition.pk, condition_text=condition.text,
                limit=Limit(condition.limit_value, condition.limit_kind),
                utility=any(word in category.name for word in UTILITY_WORDS),
                complex=any(word in category.name for word in COMPLEX_WORDS)))
    return sorted(leaves, key=lambda leaf: leaf.code)


def _leaf_weight(leaf, rng: random.Random) -> float:
    spread = rng.lognormvariate(0, 0.8)  # drawn for every leaf, so one boost does not shift the others
    return max((w for word, w in HOT_WORDS.items() if word in leaf.name), default=spread)


def _pool(leaves, spread: dict, channel: str):
    """(leaves, cumulative weights) a channel draws its categories from: domain share × 大类 weight ×
    the leaf's share of its 大类."""
    domains = DOMAINS[channel]
    pool = [leaf for leaf in leaves if leaf.domain in domains and (leaf.public or channel not in RESIDENT_CHANNELS)]
    if not pool:
        return None
    major_total, domain_total = {}, {}
    for leaf in pool:
        major_total[leaf.major_code] = major_total.get(leaf.major_code, 0) + spread[leaf.code]
    weights = [MAJOR_WEIGHTS.get(leaf.major_name, 2) * spread[leaf.code] / major_total[leaf.major_code]
               for leaf in pool]
    for leaf, weight in zip(pool, weights):
        domain_total[leaf.domain] = domain_total.get(leaf.domain, 0) + weight
    weights = [domains[leaf.domain] * w / domain_total[leaf.domain] for leaf, w in zip(pool, weights)]
    return pool, list(accumulate(weights))


def _matrix() -> dict:
    """category code → region code → [(not primary, unit code)]."""
    matrix = {}
    rows = Responsibility.objects.values_list("category_code", "region__code", "unit__code", "primary")
    for category_code, region_code, unit_code, primary in rows:
        matrix.setdefault(category_code, {}).setdefault(region_code, []).append((not primary, unit_code))
    return matrix


def _read_matrix(matrix, units, category_code: str, area_code: str) -> tuple[list[str], list[str]]:
    """The rows of the highest specificity (category code length, then region code length) among
    those naming an active unit, as `org.responsibility.rows_for` picks them."""
    best, chosen = None, []
    for c in range(1, len(category_code) + 1):
        regions = matrix.get(category_code[:c])
        for a in range(1, len(area_code) + 1) if regions else ():
            rows = regions.get(area_code[:a])
            rows = rows and [row for row in rows if row[1] in units]
            if rows and (best is None or (c, a) > best):
                best, chosen = (c, a), rows
    chosen = sorted(chosen)
    return [u for secondary, u in chosen if not secondary], [u for secondary, u in chosen if secondary]


def _profile(rng: random.Random) -> float:
    pick, total = rng.random(), 0.0
    for share, multiplier in PROFILES:
        total += share
        if pick < total:
            return multiplier * rng.uniform(0.8, 1.2)
    return PROFILES[-1][1]


# --- drawing the cases --------------------------------------------------------------------------


def _draw(rng: random.Random, items, cumulative):
    return items[bisect(cumulative, rng.random() * cumulative[-1])]


def _sample(world: _World, rng: random.Random, key: int, seed: int) -> "_Sim":
    """A case as reported: channel, category, place, moment and reporter."""
    channel = _draw(rng, world.channels, world.channel_weights)
    leaf = _draw(rng, *world.pools[channel])
    code, grid_id, lon, lat = _draw(rng, world.cells, world.cell_weights)
    sim = _Sim(world, key, channel=channel, leaf=leaf, category_id=leaf.id, area_code=code, grid_id=grid_id,
               lon=lon, lat=lat, reported_at=_moment(world, rng, channel))
    sim.urgency = _urgency(leaf, rng) if channel == "hotline" else ""
    _describe(sim, world, rng)
    _reporter(sim, world, rng, seed)
    _fate(sim, world, rng)
    return sim


def _moment(world: _World, rng: random.Random, channel: str) -> datetime:
    days, weights = world.days[channel]
    while True:
        day = _draw(rng, days, weights)
        hour = bisect(world.hours[channel], rng.random() * world.hours[channel][-1])
        local = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(hours=hour, seconds=rng.randrange(3600))
        moment = local - LOCAL
        if world.start <= moment <= world.end:
            return moment


def _urgency(leaf, rng: random.Random) -> str:
    """接诉即办 tier: 2 h when life or property is at risk, 24 h for utilities, 15 days when complex."""
    if leaf.limit.kind == LimitKind.URGENT_HOURS:
        return "2h" if leaf.limit.value <= 2 else "24h"
    if leaf.utility:
        return "24h"
    if leaf.complex and rng.random() < 0.7:
        return "15d"
    return "7d"


def _describe(sim, world: _World, rng: random.Random) -> None:
    code, leaf = sim.area_code, sim.leaf
    street, community = world.names.get(code[:9], ""), world.names.get(code[:12], "")
    grid = world.grid_names.get(sim.grid_id, "")
    what = rng.choice(leaf.keywords) if leaf.keywords else leaf.name
    sim.address = f"{street}{community}{grid}"
    sim.title = {"patrol": f"{grid}{leaf.name}", "sensor": f"{leaf.name}报警"}.get(
        sim.channel, f"{community}{what}问题")[:200]
    sim.description = f"{INTRO[sim.channel]}{sim.address}，{leaf.name}：{leaf.condition_text}"


def _reporter(sim, world: _World, rng: random.Random, seed: int) -> None:
    if sim.channel == "patrol":
        sim.reporter_actor = world.workers.get(sim.grid_id)
        if sim.reporter_actor:
            user_id, username, _role = sim.reporter_actor
            sim.reporter_id = user_id
            sim.reporter_name, sim.reporter_phone = world.people.get(user_id, (username, ""))
        return
    if sim.channel == "sensor":
        sim.external_id = f"{sim.leaf.code}-{sim.area_code[-9:]}"
        return
    if sim.channel in ("web", "open311") and rng.random() < SHARES["anonymous"]:
        sim.anonymous = True
        return
    who = f"resident:{seed}:{sim.key}"
    sim.reporter_name, sim.reporter_phone = demo_name(who), demo_phone(who)  # the 1380000 test block
    if sim.channel == "hotline":
        sim.external_id = f"12345-{seed}-{sim.key:07d}"


def _fate(sim, world: _World, rng: random.Random) -> None:
    """The side path the case will take, and the unit the matrix points it to first."""
    roll = rng.random()
    shares = [("void", SHARES["void"]), ("park", SHARES["park"]), ("send_back", SHARES["send_back"]),
              ("reassign", SHARES["reassign"])]
    sim.fate = ""
    for name, share in shares:
        if roll < share:
            sim.fate = name
            break
        roll -= share
    primary, _secondary = world.responsible(sim.leaf, sim.area_code)
    sim.planned = primary[0] if primary else world.fallback(sim.leaf, sim.area_code)


# --- one case's life ----------------------------------------------------------------------------


class _Sim:
    """A case being lived: its columns as attributes named like Case's attnames, and its transitions."""

    def __init__(self, world: _World, key: int, **fields):
        self.world, self.key = world, key
        self.state, self.version, self.unit_id, self.unit_code = "", 0, None, ""
        self.alarm, self.escalation, self.due_at, self.next_check_at, self.watch = "", 0, None, None, NEVER
        self.rework_count = self.reassign_count = self.extension_count = 0
        self.reporter_actor, self.master, self.reporter_id, self.anonymous = None, None, None, False
        self.reporter_name = self.reporter_phone = self.external_id = ""
        self.__dict__.update(fields)

    def run(self, story, seed: int, stop_after: str = "") -> None:
        """Live the story up to `end` (or until the case reaches `stop_after`). Each case draws
        from its own generator, so living it again gives the same story."""
        if self.reported_at >= self.world.end - STALE_WINDOW:
            self.initial = dict(self.__dict__)  # to live it again, cut short (_keep_live_work)
        self.story, self.stop_after, self.last, self.rows = story, stop_after, self.reported_at, []
        try:
            story(self, self.world, random.Random(seed * 1_000_003 + self.key))
        except _Stop:
            pass
        self._supervise(self.world.end)
        self._schedule()

    def rerun(self, seed: int, stop_after: str) -> None:
        story, initial = self.story, self.initial
        self.__dict__.clear()
        self.__dict__.update(initial)
        self.run(story, seed, stop_after)

    def step(self, at: datetime, action: str, actor: tuple | None = None, *, unit: str = "", reason: str = "",
             data: dict | None = None) -> datetime:
        """`action` at `at` (never before the last step) as `workflow.perform` takes it; the deadline
        worker's own steps come first when their moments fall before."""
        if at.microsecond:
            at = at.replace(microsecond=0)
        at, end = max(at, self.last), self.world.end
        if at >= self.watch:
            self._supervise(min(at, end))
        if at > end:
            raise _Stop
        act, before = ACTIONS[action], self.unit_id
        if self.state not in act.sources:
            raise AssertionError(f"history story bug: {action} from {self.state!r} (case {self.key})")
        to_state = act.target_from(self.state)
        effect = _EFFECTS.get(action)
        recorded = effect(self, at, unit, data or NO_DATA) if effect else data or NO_DATA
        actor_id, label, role = actor or (None, "system", SYSTEM)
        if action == "report":  # as reporting.open_case writes it
            label, role = (label if actor else self.channel), ""
        unit_id = self.world.units[unit] if unit else before
        self.rows.append((len(self.rows) + 1, action, self.state, to_state, actor_id, label, role, unit_id, at,
                          reason, recorded))
        self.state, self.version, self.last, self.updated_at = to_state, self.version + 1, at, at
        if to_state == self.stop_after:
            raise _Stop
        return at

    # The deadline worker (supervision.py), ticking on time: yellow at 80 % of the window, red and
    # escalation level 1 at the deadline, level 2 at 150 %, for as long as the case is RUNNING.

    def _supervise(self, until: datetime) -> None:
        while self.state in RUNNING and self.due_at is not None:
            moment, alarm, level = self._next(until)
            if moment is None or moment > until:
                self.watch = self._earliest()
                return
            moment = max(moment, self.last)
            if alarm:
                self._system(moment, "warn", {"alarm": alarm})
                self.alarm = alarm
            for step_level in range(self.escalation + 1, level + 1):
                self._system(moment, "escalate", {"level": step_level})
                self.escalation = step_level

    def _next(self, until: datetime):
        """The worker's next moment up to `until` (or None when none can come by then), with the
        alarm and escalation level it brings. Exact moments need the calendar; wall time is never
        shorter than working time, so most are ruled out without it."""
        candidates = []
        if self.alarm == "":
            candidates.append((self._at(0.8, until), "yellow", 0))
        if self.alarm != "red":
            candidates.append((self.due_at, "red", 1))
        if self.escalation < 2:
            candidates.append((self._at(LEADER_SHARE, until), "", 2))
        candidates = [c for c in candidates if c[0] is not None]
        if not candidates:
            return None, "", 0
        moment = min(c[0] for c in candidates)
        alarm = "red" if moment >= self.due_at else ("yellow" if self.alarm == "" else "")
        level = 2 if any(c[2] == 2 and c[0] <= moment for c in candidates) else (1 if moment >= self.due_at else 0)
        if alarm == self.alarm:
            alarm = ""
        return moment, alarm, max(level, self.escalation)

    def _earliest(self) -> datetime:
        """No worker moment can come before this (exact moments where known, else lower bounds)."""
        bounds = [NEVER]
        if self.alarm == "":
            bounds.append(self._bound(0.8))
        if self.alarm != "red":
            bounds.append(self.due_at)
        if self.escalation < 2:
            bounds.append(self._bound(LEADER_SHARE))
        return min(bounds)

    def _bound(self, share: float) -> datetime:
        return self.moments.get(share) or self.window_start + timedelta(seconds=self.window * share)

    def _at(self, share: float, until: datetime | None):
        """When `share` of the window has passed (None if surely after `until`), as supervision.moments."""
        if share in self.moments:
            return self.moments[share]
        seconds = self.window * share
        if self.limit.kind not in WORKING_KINDS:
            at = self.window_start + timedelta(seconds=seconds)
        elif until is not None and self.window_start + timedelta(seconds=seconds) > until:
            return None
        else:
            at = self.world.calendar.deadline(self.window_start, Limit(seconds / 3600, LimitKind.WORK_HOURS)).due
        self.moments[share] = at
        return at

    def _system(self, at: datetime, action: str, data: dict) -> None:
        self.rows.append((len(self.rows) + 1, action, self.state, self.state, None, "system", SYSTEM, self.unit_id,
                          at, "", data))
        self.version, self.last, self.updated_at = self.version + 1, at, at

    def _schedule(self) -> None:
        """next_check_at as the worker leaves it: its next moment for a running case."""
        if self.state in RUNNING and self.due_at is not None:
            moment, _alarm, _level = self._next(None)
            self.next_check_at = moment if moment and moment > self.world.end else None

    def _open_window(self, start: datetime):
        deadline = self.world.calendar.deadline(start, self.limit)
        self.window_start, self.window = start, self.world.seconds(self.limit)
        self.moments, self.watch = {}, start
        self.due_at = deadline.due
        return deadline

    def moment(self, share: float) -> datetime:
        """When `share` of the case's limit is used, counted from its window's start."""
        kind, seconds = self.limit.kind, self.world.seconds(self.limit) * share
        if kind in WORKING_KINDS:  # in working hours: the same time, without re-deriving a day's length
            return self.world.calendar.deadline(self.window_start, Limit(seconds / 3600, LimitKind.WORK_HOURS)).due
        at = self.window_start + timedelta(seconds=seconds)
        return _daytime(at, 8, 21) if kind == LimitKind.CALENDAR_DAYS else at


def _effect_accept(sim, at, unit, data):
    sim.limit = HOTLINE_TIERS.get(sim.urgency) or sim.leaf.limit
    deadline = sim._open_window(at)
    sim.rule_id, sim.condition_id, sim.limit_value, sim.limit_kind = (
        sim.leaf.rule_id, sim.leaf.condition_id, sim.limit.value, sim.limit.kind.value)
    sim.accepted_at, sim.due_provisional, sim.next_check_at, sim.alarm = at, deadline.provisional, at, ""
    return {**data, "due_at": deadline.due.isoformat()}


def _effect_dispatch(sim, at, unit, data):
    sim.unit_id, sim.unit_code, sim.dispatched_at, sim.next_check_at = sim.world.units[unit], unit, at, at
    return {**data, "unit": unit}


def _effect_reassign(sim, at, unit, data):
    sim.reassign_count += 1
    return _effect_dispatch(sim, at, unit, data)


def _effect_send_back(sim, at, unit, data):
    if sim.state in (S.DISPATCHED, S.HANDLING):
        sim.unit_id, sim.unit_code, sim.dispatched_at = None, "", None
    return data


def _effect_reopen(sim, at, unit, data):
    sim._open_window(at)  # supervision.window_start: a reopened case's window starts afresh
    sim.closed_at, sim.rating, sim.next_check_at, sim.alarm = None, None, at, ""
    sim.rework_count += 1
    return {**data, "due_at": sim.due_at.isoformat()}


def _effect_extend_approve(sim, at, unit, data):
    calendar = sim.world.calendar
    sim.due_at = calendar.deadline(sim.due_at, sim.requested).due
    sim.window = (calendar.working_seconds_between(sim.window_start, sim.due_at) if sim.limit.kind in WORKING_KINDS
                  else (sim.due_at - sim.window_start).total_seconds())
    sim.extension_pending, sim.next_check_at, sim.moments, sim.watch = False, at, {}, at
    sim.extension_count += 1
    return {**data, "due_at": sim.due_at.isoformat()}


def _effect_extend_request(sim, at, unit, data):
    sim.extension_pending, sim.requested = True, parse_limit(data["limit"])
    return data


def _update(sim, data: dict, **changes) -> dict:
    sim.__dict__.update(changes)
    return data


_EFFECTS = {  # effects.CHANGES, on the case being lived
    "accept": _effect_accept,
    "dispatch": _effect_dispatch,
    "reassign": _effect_reassign,
    "send_back": _effect_send_back,
    "report_done": lambda sim, at, unit, data: _update(sim, data, handled_at=at),
    "rework": lambda sim, at, unit, data: _update(sim, data, handled_at=None, rework_count=sim.rework_count + 1),
    "close": lambda sim, at, unit, data: _update(sim, data, closed_at=at, next_check_at=None),
    "rate": lambda sim, at, unit, data: _update(sim, data, rating=data["rating"]),
    "reopen": _effect_reopen,
    "extend_request": _effect_extend_request,
    "extend_approve": _effect_extend_approve,
    "extend_reject": lambda sim, at, unit, data: _update(sim, data, extension_pending=False),
    "park": lambda sim, at, unit, data: _update(sim, data, next_check_at=None),
    "void": lambda sim, at, unit, data: _update(sim, data, next_check_at=None),
    "merge": lambda sim, at, unit, data: _update(sim, data, master_id=sim.master.id, next_check_at=None),
}
NO_DATA: dict = {}  # shared, never changed: effects that add data build a new dict


def _daytime(at: datetime, first_hour: int = 8, last_hour: int = 18, rng: random.Random | None = None) -> datetime:
    """`at`, or a little after `first_hour` (local) the next morning when `at` falls outside the day's hours."""
    local = at + LOCAL
    if first_hour <= local.hour < last_hour:
        return at
    day = local.date() if local.hour < first_hour else local.date() + timedelta(days=1)
    morning = datetime(day.year, day.month, day.day, first_hour, tzinfo=UTC) - LOCAL
    spread = rng.randrange(2700) if rng else (local.minute * 60 + local.second) % 2700
    return morning + timedelta(seconds=spread)


def _human(at: datetime, before: datetime, rng: random.Random) -> datetime:
    """A person's step at `at`, moved into the day when that still comes before `before`."""
    moved = _daytime(at, 8, 18, rng)
    return moved if moved < before else at


def _minutes(rng: random.Random, low: float, high: float) -> timedelta:
    return timedelta(seconds=round(rng.uniform(low, high) * 60))


# --- the stories --------------------------------------------------------------------------------


def _life(sim: _Sim, world: _World, rng: random.Random) -> None:
    """Report → (核实) → 立案 → 派遣 → 处置 → 反馈 → (核查) → 结案 → (评价), with the case's side path."""
    leaf = sim.leaf
    t = sim.step(sim.reported_at, "report", sim.reporter_actor)
    if sim.fate == "void":
        sim.step(t + _minutes(rng, 10, 240), "void", world.operator, reason=rng.choice(REASONS["void"]))
        return
    if leaf.verify:
        delay = _minutes(rng, 2, 20) if sim.channel == "patrol" else _minutes(rng, 30, 300)
        t = sim.step(_daytime(t + delay, 8, 18, rng), "verify", world.worker(sim))
    if sim.channel == "sensor":
        t = sim.step(t + _minutes(rng, 0.5, 3), "accept")  # the platform accepts a sensor alarm by itself
    else:
        t = sim.step(t + (_minutes(rng, 10, 150) if leaf.verify else _minutes(rng, 3, 45)), "accept", world.operator)
    t = _dispatch(sim, world, rng, t)
    _handle(sim, world, rng, t)


def _dispatch(sim, world, rng, t) -> datetime:
    """派遣: at once by the system when the matrix names one primary unit (dispatch.auto_dispatch),
    else by the dispatcher, who now and then picks the wrong one of two."""
    primary, _secondary = world.responsible(sim.leaf, sim.area_code)
    if len(primary) == 1:
        return sim.step(t, "dispatch", unit=primary[0], reason=world.auto_reason)
    if primary:
        choice = primary[0] if rng.random() < 0.6 else rng.choice(primary[1:])
        if rng.random() < SHARES["wrong_pick"] and not sim.fate:
            sim.fate = "reassign"
    else:
        choice = world.fallback(sim.leaf, sim.area_code)
    # The dispatcher's queue: minutes to hours, and what comes in late at night waits for the morning.
    return sim.step(_daytime(t + _minutes(rng, 10, 360), 7, 22, rng), "dispatch", world.dispatcher, unit=choice)


def _handle(sim, world, rng, t) -> None:
    unit = sim.unit_code
    if sim.fate == "send_back" or unit not in world.handlers:
        if unit in world.handlers:
            t = sim.step(t + _minutes(rng, 30, 360), "send_back", world.handlers[unit],
                         reason=rng.choice(REASONS["send_back"]))
            t = sim.step(t + _minutes(rng, 10, 90), "dispatch", world.dispatcher,
                         unit=world.fallback(sim.leaf, sim.area_code, avoid=unit))
        else:  # nobody at that unit can act: the dispatcher re-routes it
            t = sim.step(t + _minutes(rng, 30, 240), "reassign", world.dispatcher,
                         unit=world.fallback(sim.leaf, sim.area_code, avoid=unit), reason=REASONS["reassign"][1])
    elif sim.fate == "reassign":
        t = sim.step(t + _minutes(rng, 60, 1200), "reassign", world.dispatcher,
                     unit=world.fallback(sim.leaf, sim.area_code, avoid=unit), reason=rng.choice(REASONS["reassign"]))
    handler = world.handlers[sim.unit_code]
    t = t + _minutes(rng, 5, 90)
    t = sim.step(t if sim.limit.kind == LimitKind.URGENT_HOURS else _daytime(t, 8, 18, rng), "start", handler)
    if sim.fate == "park":
        sim.step(_daytime(sim.moment(rng.uniform(0.3, 0.9)), 8, 18, rng), "park", world.supervisor,
                 reason=rng.choice(REASONS["park"]))
        return
    late = rng.random() < world.late.get(sim.unit_code, SHARES["late"])
    extend = (late and rng.random() < SHARES["rescued"]) or rng.random() < SHARES["extension_anyway"]
    if extend:
        late = _extend(sim, world, rng, handler, late)
    finish = sim.moment(1 + rng.expovariate(2.0)) if late else (
        _extended_finish(sim, rng) if extend else sim.moment(rng.uniform(0.1, 0.92)))
    if late and rng.random() < SHARES["supervise"]:
        nudge = _daytime(sim.due_at + (finish - sim.due_at) * rng.uniform(0.1, 0.5), 8, 18, rng)
        if nudge < finish:
            sim.step(nudge, "supervise", world.supervisor, reason=rng.choice(REASONS["supervise"]))
    _finish(sim, world, rng, handler, finish)


def _extend(sim, world, rng, handler, late: bool) -> bool:
    """延期: the handler asks well before the deadline, a supervisor decides within hours; a refused
    extension leaves the case to run late."""
    asked = sim.step(sim.moment(rng.uniform(0.45, 0.7)), "extend_request", handler,
                     reason=rng.choice(REASONS["extend_request"]), data={"limit": _extension(sim.limit, rng)})
    decided = asked + min(_minutes(rng, 60, 360), (sim.due_at - asked) / 2)
    if rng.random() < SHARES["extension_refused"]:
        sim.step(decided, "extend_reject", world.supervisor, reason=REASONS["extend_reject"][0])
        return True
    sim.step(decided, "extend_approve", world.supervisor)
    return False


def _extension(limit: Limit, rng: random.Random) -> str:
    if limit.kind == LimitKind.URGENT_HOURS:
        return f"{rng.choice((2, 4, 8))}紧急工作时"
    return f"{rng.choice((2, 3, 5))}工作日"


def _extended_finish(sim, rng) -> datetime:
    """Within the extended window, by whatever time is left of it."""
    start = max(sim.last, sim.window_start)
    return start + (sim.due_at - start) * rng.uniform(0.3, 0.9)


def _finish(sim, world, rng, handler, finish: datetime) -> None:
    """反馈 → (返工 → 反馈) → (核查) → 结案 spread over the time left before `finish` (the close)."""
    start, span = sim.last, finish - sim.last
    marks = sorted(rng.uniform(0.5, 0.95) for _ in range(4))
    checker = world.worker(sim) if sim.leaf.check else world.operator
    if rng.random() < world.rework.get(sim.unit_code, SHARES["rework"]):
        sim.step(_human(start + span * marks[0] * 0.6, finish, rng), "report_done", handler)
        sim.step(_human(start + span * marks[0] * 0.8, finish, rng), "rework", checker,
                 reason=rng.choice(REASONS["rework"]))
    sim.step(_human(start + span * marks[1], finish, rng), "report_done", handler)
    if sim.leaf.check:
        sim.step(_human(start + span * marks[2], finish, rng), "check_ok", checker)
    sim.step(max(finish, sim.last + MINUTE), "close", world.operator)
    _rate(sim, world, rng, handler)


def _rate(sim, world, rng, handler) -> None:
    """评价 of a resident's case: mostly 4–5, worse when it was late; a 1 or 2 may reopen it."""
    if sim.channel not in RESIDENT_CHANNELS or sim.anonymous or not sim.reporter_name:
        return
    by = world.operator if sim.channel == "hotline" and rng.random() < SHARES["rated_by_operator"] else None
    table = RATINGS["again"] if _reopened(sim) else RATINGS["late"] if sim.alarm == "red" else RATINGS["on_time"]
    rating = _draw(rng, list(table), list(accumulate(table.values())))
    t = sim.step(sim.last + _minutes(rng, 120, 2880), "rate", by, data={"rating": rating})
    if rating > 2 or sim.channel != "hotline" or _reopened(sim) or rng.random() >= SHARES["reopen"]:
        return
    sim.step(t + _minutes(rng, 60, 1440), "reopen", world.operator, reason=REASONS["reopen"][0])
    sim.step(sim.last + _minutes(rng, 10, 240), "start", handler)
    _finish(sim, world, rng, handler, sim.moment(rng.uniform(0.2, 0.9)))


def _reopened(sim) -> bool:
    return any(row[1] == "reopen" for row in sim.rows)


def _keep_live_work(sims, rng: random.Random, seed: int, per_state: int) -> None:
    """Cut a few recent stories short right after they reach each open state, as work nobody has
    picked up yet: the console has cases waiting in every state whatever the hour of `end`."""
    saved = [s for s in sims if hasattr(s, "initial")]
    recent = {s.key for s in saved if s.reported_at >= s.world.end - LIVE_WINDOW}
    chosen = set()
    for state in LIVE_STATES:
        fits = [s for s in saved if s.key not in chosen and s.state != state and _passes(s, state)]
        fits = [s for s in fits if s.key in recent] or fits  # a stale one only when no recent case fits
        for sim in rng.sample(fits, min(per_state, len(fits))):
            chosen.add(sim.key)
            sim.rerun(seed, state)


def _passes(sim, state: str) -> bool:
    """Whether the story reaches `state` and could rest there: an accepted case the system
    dispatched in the same moment never waited in the dispatcher's queue."""
    for row, after in zip(sim.rows, [*sim.rows[1:], None]):
        if row[3] == state:
            return not (state == S.ACCEPTED and after and after[1] == "dispatch" and after[6] == SYSTEM)
    return False


def _duplicates(world, rng, sims, count: int, seed: int) -> list[_Sim]:
    """合并: a second report of the same problem (same grid and category) while the first is open."""
    masters = [s for s in sims if s.fate != "void" and len(s.rows) > 1 and s.leaf.public
               and s.channel in ("hotline", "web", "open311", "patrol")]
    dups = []
    for key in range(len(sims), len(sims) + count * 3):
        if len(dups) == count or not masters:
            break
        master = rng.choice(masters)
        closes = next((row[8] for row in master.rows if row[3] in FINAL), world.end + YEAR)
        latest = min(master.reported_at + 48 * HOUR, closes - 70 * MINUTE, world.end)
        first = master.reported_at + 10 * MINUTE
        if latest <= first:
            continue
        at = first + (latest - first) * rng.random()
        channel = rng.choice(("hotline", "hotline", "web", "open311"))
        sim = _Sim(world, key, channel=channel, leaf=master.leaf, category_id=master.category_id,
                   area_code=master.area_code, grid_id=master.grid_id, lon=master.lon, lat=master.lat,
                   reported_at=at.replace(microsecond=0), master=master, fate="duplicate")
        sim.urgency = _urgency(master.leaf, rng) if channel == "hotline" else ""
        _describe(sim, world, rng)
        _reporter(sim, world, rng, seed)
        dups.append(sim)
    return dups


def _duplicate_life(sim: _Sim, world: _World, rng: random.Random) -> None:
    t = sim.step(sim.reported_at, "report", sim.reporter_actor)
    sim.step(t + _minutes(rng, 5, 60), "merge", world.operator, data={"master": sim.master.ticket})


def _number(sims) -> None:
    """Ids in the order of reporting, after the cases already stored; tickets as `ticket_for` makes them."""
    first = (Case.objects.aggregate(last=Max("id"))["last"] or 0) + 1
    for pk, sim in enumerate(sims, first):
        sim.id = sim.pk = pk
        sim.ticket = ticket_for(sim)


# --- writing ------------------------------------------------------------------------------------


def _write(sims, progress) -> int:
    """Cases, then transitions, in one transaction of bulk INSERTs, row by row off the stories."""
    case_fields = Case._meta.concrete_fields
    defaults = {f.attname: f.get_default() for f in case_fields}
    columns = itemgetter(*defaults)
    # created_at: the row would have been created when the report came in.
    case_rows = (columns({**defaults, **sim.__dict__, "created_at": sim.reported_at}) for sim in sims)
    transition_fields = [Transition._meta.get_field(name) for name in (
        "case", "seq", "action", "from_state", "to_state", "actor", "actor_label", "role", "unit", "at", "reason",
        "data")]
    total = sum(len(sim.rows) for sim in sims)
    transition_rows = ((sim.id, *row) for sim in sims for row in sim.rows)
    with transaction.atomic():
        _insert(Case, case_fields, case_rows, len(sims), progress, "cases")
        _insert(Transition, transition_fields, transition_rows, total, progress, "transitions")
        with connection.cursor() as cursor:  # PostgreSQL: move the id sequence past the ids chosen here
            for sql in connection.ops.sequence_reset_sql(no_style(), [Case]):
                cursor.execute(sql)
    return total


def _insert(model, fields, rows, total: int, progress, step) -> None:
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    adapters = [(i, adapt) for i, adapt in enumerate(map(_adapter, fields)) if adapt]
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    done = 0
    with connection.cursor() as cursor:
        while chunk := [_adapted(row, adapters) for row in islice(rows, CHUNK)]:
            if connection.vendor == "postgresql":  # COPY: no statement to parse per row, a stream of rows
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in chunk:
                        copy.write_row(row)
            else:  # one prepared statement stepped in C: SQLite's fastest path
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES {one}", chunk)
            done += len(chunk)
            _tick(progress, step, done, total)


def _adapted(row, adapters) -> list:
    row = list(row)
    for index, adapt in adapters:
        row[index] = adapt(row[index])
    return row


def _adapter(field):
    """A value → database value function, for the columns that need one."""
    kind, ops = field.get_internal_type(), connection.ops
    if kind == "DateTimeField" and connection.vendor == "sqlite":
        # Every moment here is in UTC (str() ends in "+00:00"): Django stores the naive UTC text.
        return lambda v: None if v is None else str(v)[:-6]
    if kind == "JSONField":
        if connection.vendor == "postgresql":  # COPY reads JSON as text
            return lambda v: json.dumps(v, cls=field.encoder)
        return lambda v: ops.adapt_json_value(v, field.encoder)
    return None
