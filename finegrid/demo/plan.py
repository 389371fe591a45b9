"""Hand-written plan of the demo district: where each street/town roughly sits, how large it
is, how many grids it has and where its households cluster.

These are rough general-knowledge figures chosen to look plausible, not survey data; the
division codes and names themselves come from data/guangling.json."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StreetPlan:
    anchor: tuple[float, float]  # lon, lat of the power-diagram site, near the real unit's middle
    area_km2: float  # wanted area; all are rescaled so they add up to the outline's area
    grids: int  # unit grids in the street (the district's total is about 1,500)
    urban: bool  # 街道 and the development zone: small dense grids; towns: larger village grids
    profile: str  # household spread: "old" even, "urban" a centre plus villages, "rural" a town seat plus villages


STREETS: dict[str, StreetPlan] = {
    "321002002": StreetPlan((119.4295, 32.3950), 2.4, 50, True, "old"),  # 汶河街道, west half of the old city
    "321002001": StreetPlan((119.4455, 32.3925), 3.4, 60, True, "old"),  # 东关街道, east half, to the old canal
    "321002003": StreetPlan((119.4450, 32.3700), 10.0, 200, True, "urban"),  # 文峰街道, south of the old city
    "321002004": StreetPlan((119.4650, 32.3980), 10.0, 220, True, "urban"),  # 曲江街道, across the old canal
    "321002005": StreetPlan((119.4450, 32.3520), 14.0, 160, True, "urban"),  # 汤汪街道, south
    "321002400": StreetPlan((119.5000, 32.3720), 24.0, 150, True, "urban"),  # 广陵经济开发区, east of 曲江
    "321002106": StreetPlan((119.4820, 32.4220), 20.0, 110, False, "rural"),  # 湾头镇, north-east
    "321002402": StreetPlan((119.5150, 32.4650), 30.0, 100, False, "rural"),  # 泰安镇, the northern lobe
    "321002401": StreetPlan((119.5500, 32.3800), 32.0, 120, False, "rural"),  # 杭集镇, east
    "321002103": StreetPlan((119.4920, 32.3050), 42.0, 90, False, "rural"),  # 沙头镇, on the Yangtze
    "321002102": StreetPlan((119.5750, 32.3000), 62.0, 110, False, "rural"),  # 李典镇, south-east
    "321002104": StreetPlan((119.6550, 32.3000), 85.0, 130, False, "rural"),  # 头桥镇, far south-east
}

# Households per unit grid: each community draws its own typical size in this range.
GRID_HOUSEHOLDS = {True: (360, 440), False: (480, 680)}  # keyed by StreetPlan.urban
# Households per micro-grid (a building or a few, or a village group).
MICRO_HOUSEHOLDS = {True: (12, 40), False: (15, 50)}
PEOPLE_PER_HOUSEHOLD = (2.4, 2.9)
ENTERPRISE_GRIDS = {"321002400": 5, "321002401": 5}  # a few 专属网格 for factories and parks

# Density profiles: an even floor, a bump at the street's centre, one bump per village.
PROFILES = {
    "old": {"floor": 1.0, "centre": 0.0, "centre_km": 1.0, "village": 0.0, "village_km": 0.3},
    "urban": {"floor": 0.3, "centre": 1.0, "centre_km": 1.2, "village": 0.5, "village_km": 0.3},
    "rural": {"floor": 0.05, "centre": 1.0, "centre_km": 0.9, "village": 0.6, "village_km": 0.4},
}

SEED = 20240615  # every random draw derives from this and a code, so builds repeat exactly
