"""What the stories need from the database, read once: categories, places, units, people, the
responsibility matrix and the calendar."""

import math
import random
from datetime import datetime, timedelta
from itertools import accumulate
from types import SimpleNamespace

import numpy as np
import shapely
from django.utils.translation import gettext as _

from finegrid.grid.models import Grid, MicroGrid, Region
from finegrid.org.models import Person, Role, RoleAssignment, Unit
from finegrid.org.responsibility import Matrix

from finegrid.cases import deadlines
from finegrid.cases.calendar import Limit
from finegrid.cases.models import AcceptanceCondition, CategoryRule
from .mix import (
    CHANNELS,
    COMPLEX_WORDS,
    DOMAINS,
    FALLBACK_UNITS,
    HOT_WORDS,
    HOURS,
    LOCAL,
    MAJOR_WEIGHTS,
    OFF_DAYS,
    PROFILES,
    RESIDENT_CHANNELS,
    SHARES,
    UTILITY_WORDS,
    YEAR,
)


class HistoryError(Exception):
    """The database lacks what a history needs (categories, grids, office staff)."""


class World:
    """Everything the stories need, read once: categories, places, units, people, matrix, calendar."""

    def __init__(self, rng: random.Random, end: datetime):
        self.end, self.start = end, end - YEAR
        self.calendar = deadlines.calendar_in_force()
        self.leaves = _leaves()
        if not self.leaves:
            raise HistoryError("no categories with rules: load the catalogue first (finegrid load-catalogue)")
        self._places()
        self._people()
        self.matrix = Matrix()
        spread = {leaf.code: _leaf_weight(leaf, rng) for leaf in self.leaves}
        self.pools = {channel: _pool(self.leaves, spread, channel) for channel in CHANNELS}
        self.channels = [c for c in CHANNELS if self.pools[c]]
        self.channel_weights = list(accumulate(CHANNELS[c] for c in self.channels))
        self.days = {channel: self._days(channel) for channel in self.channels}
        self.hours = {channel: list(accumulate(HOURS[channel])) for channel in self.channels}
        self.diligence = {unit: profile(rng) for unit in sorted(self.handlers)}
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
        """(primary, secondary) codes of the units the matrix names here, as `org.responsibility` decides."""
        rows = self.matrix.rows_for(leaf.code, area_code[:12])
        return [r.unit.code for r in rows if r.primary], [r.unit.code for r in rows if not r.primary]

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


def profile(rng: random.Random) -> float:
    pick, total = rng.random(), 0.0
    for share, multiplier in PROFILES:
        total += share
        if pick < total:
            return multiplier * rng.uniform(0.8, 1.2)
    return PROFILES[-1][1]

