"""Hotspots, emerging terms and the month's hot issues (每月一题 candidates), as plain functions
of rows, so they are tested without a database; `load_rows` reads the rows from the cases.

- A hotspot is a grid × topic whose count this week is improbably high against that cell's own
  baseline (the mean of its previous weeks): the one-sided Poisson tail P(X ≥ count) is the
  significance, so a quiet cell with 3 reports can flag while a busy one with 10 does not.
- An emerging term is a word whose share of appeals rose well above earlier periods: Dunning's
  log-likelihood ratio (G²) decides, which stays honest with small counts.
- A hot issue is a (topic, second level) that is frequent this month, recurs in earlier months
  and spans several units."""

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from scipy.stats import poisson

BASELINE_WEEKS = 8
HOTSPOT_ALPHA = 0.01
HOTSPOT_MIN_COUNT = 3
G2_CRITICAL = 10.83  # χ²(1) at p = 0.001
RECURRING_MONTHS = 6


@dataclass
class Row:
    """One labelled appeal, as the analyses need it."""

    at: datetime
    topic: str
    subtopic: str = ""
    grid_code: str = ""
    street_code: str = ""
    unit: str = ""
    text: str = ""


@dataclass
class Hotspot:
    grid_code: str
    topic: str
    week: date
    count: int
    baseline: float
    p_value: float


@dataclass
class Term:
    term: str
    count: int
    before: int
    ratio: float
    g2: float


@dataclass
class HotIssue:
    topic: str
    subtopic: str
    count: int
    months_recurring: int
    units: int
    streets: int
    score: float
    terms: list[str] = field(default_factory=list)


def week_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def hotspots(rows: list[Row], week: date, weeks: int = BASELINE_WEEKS, alpha: float = HOTSPOT_ALPHA,
             min_count: int = HOTSPOT_MIN_COUNT) -> list[Hotspot]:
    """Grid × topic cells of `week` (a Monday) far above their own baseline, most significant first."""
    week = week_of(week)
    counts: dict[tuple, Counter] = defaultdict(Counter)
    for row in rows:
        if row.grid_code:
            counts[(row.grid_code, row.topic)][week_of(row.at.date())] += 1
    found = []
    earlier = [week - timedelta(weeks=n) for n in range(1, weeks + 1)]
    for (grid, topic), by_week in counts.items():
        count = by_week[week]
        if count < min_count:
            continue
        baseline = (sum(by_week[w] for w in earlier) + 0.5) / weeks  # +0.5: a never-seen cell is not λ = 0
        p_value = float(poisson.sf(count - 1, baseline))
        if p_value < alpha:
            found.append(Hotspot(grid, topic, week, count, round(baseline, 2), p_value))
    return sorted(found, key=lambda h: (h.p_value, -h.count))


def emerging_terms(now: list[list[str]], before: list[list[str]], min_count: int = 5, top: int = 20) -> list[Term]:
    """Words (each appeal given as its words) whose share of appeals rose significantly."""
    in_now = Counter(word for words in now for word in set(words))
    in_before = Counter(word for words in before for word in set(words))
    n_now, n_before = max(len(now), 1), max(len(before), 1)
    found = []
    for word, count in in_now.items():
        earlier = in_before[word]
        if count < min_count or count / n_now <= earlier / n_before:
            continue
        g2 = _g2(count, n_now, earlier, n_before)
        if g2 >= G2_CRITICAL:
            ratio = (count / n_now) / ((earlier + 1) / (n_before + 1))
            found.append(Term(word, count, earlier, round(ratio, 1), round(g2, 1)))
    return sorted(found, key=lambda t: -t.g2)[:top]


def _g2(a: int, n_a: int, b: int, n_b: int) -> float:
    """Dunning's G² for a word in a of n_a documents against b of n_b."""
    total = (a + b) / (n_a + n_b)
    cells = [(a, n_a * total), (n_a - a, n_a * (1 - total)), (b, n_b * total), (n_b - b, n_b * (1 - total))]
    return 2 * sum(o * math.log(o / e) for o, e in cells if o > 0 and e > 0)


def month_bounds(month: str) -> tuple[date, date]:
    """"2026-10" → (2026-10-01, 2026-11-01)."""
    try:
        year, number = (int(part) for part in month.split("-"))
        start = date(year, number, 1)
    except ValueError:
        raise ValueError(f"a month is written like 2026-10, not {month!r}")
    return start, date(year + number // 12, number % 12 + 1, 1)


def _month_key(day: date) -> tuple[int, int]:
    return day.year, day.month


def _months_before(start: date, n: int) -> list[tuple[int, int]]:
    months, year, month = [], start.year, start.month
    for _ in range(n):
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        months.append((year, month))
    return months


def hot_issues(rows: list[Row], month: str, top: int = 10, min_count: int = 3) -> list[HotIssue]:
    """The month's candidates for 每月一题: frequent, recurring, spanning several units."""
    start, end = month_bounds(month)
    this = [r for r in rows if start <= r.at.date() < end]
    earlier_months = _months_before(start, RECURRING_MONTHS)
    per_month: dict[tuple, Counter] = defaultdict(Counter)
    for row in rows:
        per_month[(row.topic, row.subtopic)][_month_key(row.at.date())] += 1
    groups: dict[tuple, list[Row]] = defaultdict(list)
    for row in this:
        groups[(row.topic, row.subtopic)].append(row)
    issues = []
    for (topic, subtopic), members in groups.items():
        if len(members) < min_count:
            continue
        recurring = sum(1 for key in earlier_months if per_month[(topic, subtopic)][key] >= min_count)
        units = len({r.unit for r in members if r.unit})
        streets = len({r.street_code for r in members if r.street_code})
        score = len(members) * (1 + recurring / RECURRING_MONTHS) * (1 + math.log1p(units))
        issues.append(HotIssue(topic, subtopic, len(members), recurring, units, streets, round(score, 1)))
    return sorted(issues, key=lambda i: -i.score)[:top]


def weekly_counts(rows: list[Row], start: date, end: date, topics: list[str]) -> dict[str, list[int]]:
    """Appeals per week (Mondays from `start` to before `end`) for each of `topics`."""
    weeks = _weeks(start, end)
    index = {week: i for i, week in enumerate(weeks)}
    series = {topic: [0] * len(weeks) for topic in topics}
    for row in rows:
        week = week_of(row.at.date())
        if row.topic in series and week in index:
            series[row.topic][index[week]] += 1
    return series


def _weeks(start: date, end: date) -> list[date]:
    weeks, week = [], week_of(start)
    while week < end:
        weeks.append(week)
        week += timedelta(weeks=1)
    return weeks
