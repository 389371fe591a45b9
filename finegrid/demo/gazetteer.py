"""The demo gazetteer: divisions, landmarks and made-up residential names as Places, and the
专属网格 kinds that follow from where the landmarks fall."""

from __future__ import annotations

import zlib
from collections import defaultdict

import numpy as np
import shapely
from shapely.geometry import LineString, Point
from shapely.ops import substring
from shapely.strtree import STRtree

from . import partition as part
from .model import Layout, Place, centre_point, community_stem, rng_for
from .plan import ENTERPRISE_GRIDS

LINE_KINDS = {"road", "street", "historic_street", "river"}  # drawn as lines when not located
GRID_KIND_OF = {"park": "park", "garden": "park", "scenic_area": "park", "school": "school",
                "hospital": "hospital", "industrial_area": "enterprise"}  # landmark kind -> 专属网格 kind
# The data's kind "street" means a named 街 (皮市街); as a place kind it would clash with 街道.
PLACE_KIND = {"street": "road"}
# "<community stem><suffix>" names a landmark after a community (徐凝门街, 渡江南路, 荷花池公园).
NAMED_AFTER_SUFFIXES = ("", "街", "路", "南路", "北路", "东路", "西路", "中路", "桥", "公园")

# Stems and suffixes of the fictional residential compounds (小区). Made up; any likeness to a
# real compound's name is chance, and names found in the division or landmark lists are skipped.
COMPOUND_STEMS = (
    "琼华 绿杨 明月 二分 芍药 维扬 邗上 竹西 梅香 双桥 文汇 运和 古渡 东园 南园 锦绣 翠竹 康乐 和美 "
    "金湾 银杏 春江 秋实 紫薇 桂香 荷风 柳岸 杨柳 瑞景 丽都 恒华 嘉禾 安泰 富康 福禄 吉祥 万和 天合 "
    "景湖 玉兰 海棠 香樟 御景 凤凰 麒麟 龙华 星河 清风 听涛 揽月 曲水 百合 怡景 馨和 宜居 友好 幸福 "
    "光明 东方 东城 南湖 北苑 晓园 朝阳 晨曦 阳光 青枫 碧水 清华 盛世 泰和 永安 长春 松鹤 兰亭 梧桐 "
    "丹桂 月湖 江南 江花 水岸 沁园 锦江 华康 新河 润扬 金鼎 银河 云山 翠湖 望江 临江 东湖 西湖 乐居"
).split()
COMPOUND_SUFFIXES = ("小区", "花园", "新村", "家园", "苑", "名苑", "雅苑", "华庭", "公寓", "佳园", "嘉园", "人家")


def build_places(layout: Layout, data: dict, tick) -> list[Place]:
    places = division_places(layout, data["aliases"])
    places += landmark_places(layout, data["landmarks"])
    tick("places", 1, 2)
    taken = {d["name"] for d in data["divisions"]} | {lm["name"] for lm in data["landmarks"]}
    places += residential_places(layout, taken)
    tick("places", 2, 2)
    return places


def surface_point(geom) -> Point:
    return shapely.point_on_surface(geom)


# --- divisions ------------------------------------------------------------------------


def division_places(layout: Layout, aliases: dict) -> list[Place]:
    d = layout.district
    street_codes = [s.code for s in layout.streets]
    places = [Place(d.name, "district", list(aliases.get(d.name, [])), surface_point(d.polygon), street_codes)]
    for area in layout.streets + layout.communities:
        street = area.code if area.level in ("street", "town") else area.parent_code
        places.append(Place(area.name, area.level, list(aliases.get(area.name, [])), surface_point(area.polygon), [street]))
    return places


# --- landmarks ------------------------------------------------------------------------


class Index:
    """Lookups the landmark placement needs: streets by name, micro-grids by code prefix."""

    def __init__(self, layout: Layout):
        self.layout = layout
        self.street_by_name = {s.name: s for s in layout.streets}
        self.codes = np.array([m.code for m in layout.microgrids])
        self.micro_points = shapely.point_on_surface([m.polygon for m in layout.microgrids])

    def micros_under(self, prefixes: list[str]) -> np.ndarray:
        mask = np.zeros(len(self.codes), bool)
        for prefix in prefixes:
            mask |= np.char.startswith(self.codes, prefix)
        return np.flatnonzero(mask)

    def street(self, code: str):
        return next(s for s in self.layout.streets if s.code == code)

    def city_codes(self) -> list[str]:
        """The five 街道 (the development zone is a street-level unit too, but not a 街道)."""
        return [s.code for s in self.layout.streets if s.name.endswith("街道")]


def landmark_places(layout: Layout, landmarks: list[dict]) -> list[Place]:
    index = Index(layout)
    return [landmark_place(lm, index) for lm in landmarks]


def landmark_place(lm: dict, index: Index) -> Place:
    codes = [index.street_by_name[n].code for n in lm["streets"]]
    aliases = [lm["name"].split("（")[0]] if "（" in lm["name"] else []
    if lm["lon"] is not None:
        geometry = Point(lm["lon"], lm["lat"])
    elif lm["kind"] in LINE_KINDS:
        geometry = landmark_line(lm, codes, index)
    else:
        geometry = landmark_point(lm, codes, index)
    kind = PLACE_KIND.get(lm["kind"], lm["kind"])
    return Place(lm["name"], kind, aliases, geometry, codes or streets_crossed(geometry, index))


def named_after(name: str, street_codes: list[str], index: Index):
    """The community a landmark is named after (徐凝门街 -> 徐凝门社区), within its streets."""
    for c in index.layout.communities:
        stem = community_stem(c.name)
        if c.parent_code in street_codes and len(stem) >= 2 and name.startswith(stem):
            if name[len(stem):] in NAMED_AFTER_SUFFIXES:
                return c
    return None


def landmark_point(lm: dict, codes: list[str], index: Index) -> Point:
    """A micro-grid's point, drawn from a pool: the community the landmark is named after, else
    the part of its street nearest the street's centre when named after the street (湾头古镇),
    else its (first) street; when it spans two streets, the part of the pool nearest the second.
    Landmarks with no known street go to one of the five 街道 (all are city-centre sights)."""
    community = named_after(lm["name"], codes, index)
    if community is not None:
        pool = index.micros_under([community.code])
    elif codes and lm["name"].startswith(street_stem(index.street(codes[0]).name)):
        pool = nearest(index, index.micros_under(codes[:1]), Point(centre_point(index.street(codes[0]))))
    else:
        pool = index.micros_under(codes[:1] or index.city_codes())
    if len(codes) >= 2:
        pool = nearest(index, pool, index.street(codes[1]).polygon)
    return index.micro_points[pool[rng_for("landmark", lm["name"], *codes).integers(len(pool))]]


def nearest(index: Index, pool: np.ndarray, target, keep: int = 8) -> np.ndarray:
    """The `keep` micro-grids of `pool` whose points are nearest `target` (ties by position)."""
    distance = shapely.distance(index.micro_points[pool], target)
    return pool[np.lexsort((pool, distance))[:keep]]


def street_stem(name: str) -> str:
    """生态科技新城杭集镇 -> 杭集, 汤汪街道 -> 汤汪."""
    return name.replace("生态科技新城", "").removesuffix("街道").removesuffix("镇")


def direction(name: str) -> np.ndarray:
    """A road's heading in the plane: X南路/X北路 are sections of a north-south road, X东路/X西路/
    X中路 of an east-west one; other names get one of the two from a stable hash."""
    if "南路" in name or "北路" in name:
        return np.array([0.0, 1.0])
    if any(s in name for s in ("东路", "西路", "中路")):
        return np.array([1.0, 0.0])
    return np.array([[1.0, 0.0], [0.0, 1.0]][zlib.crc32(name.encode("utf-8")) % 2])


def landmark_line(lm: dict, codes: list[str], index: Index) -> LineString:
    """A road or river: a chord through one street, or a polyline through the listed streets."""
    if len(codes) >= 2:
        return polyline_through(lm["name"], codes, index)
    area = index.street(codes[0]).polygon if codes else index.layout.district.polygon
    at = landmark_point(lm, codes, index)
    return chord(at, direction(lm["name"]), area)


def chord(at: Point, heading: np.ndarray, area) -> LineString:
    """The middle 80 % of the straight crossing of `area` through `at` along `heading`."""
    centre = part.to_plane([[at.x, at.y]])[0]
    ends = np.array([centre - heading, centre + heading])  # one plane unit is ~100 km
    line = part.from_plane(LineString(ends))
    pieces = shapely.get_parts(shapely.intersection(line, area))
    piece = min(pieces, key=lambda p: p.distance(at))
    return substring(piece, 0.1, 0.9, normalized=True)


def polyline_through(name: str, codes: list[str], index: Index) -> LineString:
    """Through a point of each listed street, ordered along their longer spread, ends extended
    a little beyond the first and last street's point (kept inside the district)."""
    points = [landmark_point({"name": name}, [c], index) for c in codes]
    xy = part.to_plane([[p.x, p.y] for p in points])
    axis = int(np.argmax(xy.max(axis=0) - xy.min(axis=0)))
    xy = xy[np.lexsort((np.arange(len(xy)), xy[:, axis]))]
    xy = np.vstack([xy[0] + 0.3 * (xy[0] - xy[1]), xy, xy[-1] + 0.3 * (xy[-1] - xy[-2])])
    district = index.layout.district.polygon
    inside = shapely.contains_xy(district, *(xy / part.PLANE).T)
    inside[1:-1] = True
    return part.from_plane(LineString(xy[inside]))


def streets_crossed(geometry, index: Index) -> list[str]:
    """Streets a landmark without a listed street ended up in (its interior meets theirs)."""
    hits = []
    for s in index.layout.streets:
        inter = s.polygon.intersection(geometry)
        if not inter.is_empty and (geometry.geom_type == "Point" or inter.length > 0):
            hits.append(s.code)
    return hits


# --- grid kinds -----------------------------------------------------------------------


def assign_grid_kinds(layout: Layout) -> None:
    """专属网格: a grid holding a park/school/hospital (or industrial) landmark takes that kind,
    and a few more grids of the development zone and 杭集镇 become enterprise grids."""
    tree = STRtree([g.polygon for g in layout.grids])
    for place in layout.places:
        kind = GRID_KIND_OF.get(place.kind)
        if kind and place.geometry.geom_type == "Point":
            for i in sorted(tree.query(place.geometry, predicate="intersects")):
                if layout.grids[i].kind == "general":
                    layout.grids[i].kind = kind
                    break
    for code, wanted in sorted(ENTERPRISE_GRIDS.items()):
        add_enterprise_grids(layout, code, wanted)


def add_enterprise_grids(layout: Layout, street_code: str, wanted: int) -> None:
    grids = [g for g in layout.grids if g.code.startswith(street_code)]
    have = sum(g.kind == "enterprise" for g in grids)
    general = [g for g in grids if g.kind == "general"]
    picks = rng_for("enterprise", street_code).permutation(len(general))[: max(wanted - have, 0)]
    for i in sorted(picks):
        general[i].kind = "enterprise"


# --- residential names ----------------------------------------------------------------


def compound_names(taken: set[str]):
    """Fictional compound names in a fixed shuffled order, none found in a real name."""
    names = [s + x for s in COMPOUND_STEMS for x in COMPOUND_SUFFIXES]
    order = rng_for("compounds").permutation(len(names))
    for i in order:
        if not any(names[i] in t for t in taken):
            yield names[i]


def residential_places(layout: Layout, taken: set[str]) -> list[Place]:
    """A 小区 per grid of a 社区 with a 幢 per micro-grid; a 村民小组 per micro-grid in villages."""
    communities = {c.code: c for c in layout.communities}
    names = compound_names(taken)
    groups = village_group_namer(layout)
    by_grid = defaultdict(list)
    for m in layout.microgrids:
        by_grid[m.grid_code].append(m)
    places = []
    for grid in layout.grids:
        community = communities[grid.community_code]
        street = [community.parent_code]
        micros = sorted(by_grid[grid.code], key=lambda m: m.code)
        if community.level == "village":
            places += [Place(groups(community), "village_group", [], surface_point(m.polygon), street) for m in micros]
            continue
        compound = next(names)
        places.append(Place(compound, "compound", [], surface_point(grid.polygon), street))
        places += [Place(f"{compound}{n}幢", "building", [], surface_point(m.polygon), street)
                   for n, m in enumerate(micros, start=1)]
    return places


def village_group_namer(layout: Layout):
    """Names 村民小组 "<村>N组" in call order per village; a village name used twice in the
    district (二桥村) is prefixed with its town's short name to stay unique."""
    streets = {s.code: s.name for s in layout.streets}
    seen = defaultdict(int)
    for c in layout.communities:
        seen[c.name] += 1
    counter = defaultdict(int)

    def name(community) -> str:
        counter[community.code] += 1
        prefix = ""
        if seen[community.name] > 1:
            prefix = street_stem(streets[community.parent_code])
        return f"{prefix}{community.name}{counter[community.code]}组"

    return name
