"""Demo sites across Guangling: gas stations, valve chambers, restaurant kitchens, tank farms on
the Yangtze bank, a utility tunnel and flood-prone spots, each in a street where such a site is
plausible, with made-up names. `seed_sensing()` adds what is missing and nothing else."""

import hashlib

from finegrid.grid.models import Grid
from finegrid.org.models import Unit

from .models import Device, Sensor, Site

K = Site.Kind
# (street code, kind, name, enterprise or operator)
SITES = [
    ("321002001", K.RESTAURANT, "东关街美食街后厨", "东关街餐饮管理有限公司"),
    ("321002001", K.GAS_WELL, "泰州路燃气阀门井", "广陵燃气服务中心"),
    ("321002001", K.FLOOD, "徐凝门街下穿积水点", ""),
    ("321002002", K.RESTAURANT, "汶河北路酒家后厨", "汶河酒家有限公司"),
    ("321002002", K.GAS_WELL, "淮海路燃气井", "广陵燃气服务中心"),
    ("321002002", K.FLOOD, "四望亭路低洼积水点", ""),
    ("321002003", K.GAS_STATION, "文峰燃气调压站", "广陵燃气服务中心"),
    ("321002003", K.GAS_WELL, "渡江南路燃气阀门井", "广陵燃气服务中心"),
    ("321002003", K.FLOOD, "宝塔湾易涝点", ""),
    ("321002004", K.RESTAURANT, "京华城餐饮广场", "京华城商业管理有限公司"),
    ("321002004", K.TUNNEL, "文昌东路综合管廊燃气舱", "广陵城建管廊运营有限公司"),
    ("321002004", K.FLOOD, "沙口易涝点", ""),
    ("321002005", K.GAS_STATION, "汤汪CNG加气站", "汤汪能源有限公司"),
    ("321002005", K.GAS_WELL, "联谊路燃气阀门井", "广陵燃气服务中心"),
    ("321002102", K.HAZCHEM, "李典沿江化工储罐区", "扬州沿江化工储运有限公司"),
    ("321002102", K.FLOOD, "李典长江圩堤水位站", ""),
    ("321002103", K.HAZCHEM, "沙头液化气储配站", "沙头液化气有限公司"),
    ("321002104", K.HAZCHEM, "头桥化工仓储罐区", "头桥精细化工仓储有限公司"),
    ("321002104", K.FLOOD, "头桥沿江水位站", ""),
    ("321002106", K.GAS_WELL, "湾头古镇燃气井", "广陵燃气服务中心"),
    ("321002106", K.FLOOD, "万福闸下游水位站", ""),
    ("321002400", K.HAZCHEM, "开发区危化品仓库", "广陵经开危险品物流有限公司"),
    ("321002400", K.TUNNEL, "霍桥地下综合管廊", "广陵城建管廊运营有限公司"),
    ("321002400", K.GAS_STATION, "开发区天然气门站", "广陵燃气服务中心"),
    ("321002401", K.HAZCHEM, "杭集日化原料储罐区", "杭集日化原料有限公司"),
    ("321002401", K.RESTAURANT, "杭集工业园食堂", "杭集园区后勤服务有限公司"),
    ("321002402", K.GAS_STATION, "泰安LNG气化站", "泰安能源有限公司"),
    ("321002402", K.FLOOD, "芒稻河水位站", ""),
]
# The devices of each kind of site: (code suffix, name, reporting interval s, sensors).
DEVICES = {
    K.GAS_STATION: [("gd1", "可燃气体探测器1", 30, ["ch4"]), ("gd2", "可燃气体探测器2", 30, ["ch4"]),
                    ("pt", "进站压力变送器", 30, ["pressure"])],
    K.GAS_WELL: [("gw", "井下燃气监测仪", 60, ["ch4", "pressure"])],
    K.RESTAURANT: [("kd", "厨房燃气报警器", 30, ["ch4", "co"])],
    K.HAZCHEM: [("g4", "四合一气体检测仪", 30, ["ch4", "h2s", "co", "o2"]),
                ("tk", "储罐温度压力变送器", 30, ["temperature", "pressure"])],
    K.TUNNEL: [("ga", "燃气舱探测器A", 30, ["ch4", "o2"]), ("gb", "燃气舱探测器B", 30, ["ch4", "h2s"])],
    K.FLOOD: [("wl", "积水/水位计", 60, ["water_level"])],
}
# Who must act at each kind of site (the unit a case goes to when the matrix does not decide).
UNITS = {K.GAS_STATION: "gas", K.GAS_WELL: "gas", K.RESTAURANT: "gas", K.HAZCHEM: "yjj", K.TUNNEL: "zjj",
         K.FLOOD: "slj"}
# A river gauge (水位站) reads metres above its datum, not ponding depth: its own warning levels.
RIVER_RULES = {"water_level": {"threshold": {"high": [[6.5, "orange"], [7.5, "red"]]}}}


def seed_sensing() -> int:
    """Creates the demo sites, devices and sensors not yet in the database; returns how many sites."""
    if not Grid.objects.exists():
        return 0
    units = Unit.objects.in_bulk(field_name="code")
    existing = set(Site.objects.values_list("code", flat=True))
    created = 0
    for index, (street, kind, name, enterprise) in enumerate(SITES, start=1):
        code = f"{kind.replace('_', '')}-{index:02d}"
        if code in existing:
            continue
        lon, lat = _point_in(street, name)
        site = Site.objects.create(code=code, name=name, kind=kind, lon=lon, lat=lat, address=name,
                                   unit=units.get(UNITS[kind]), enterprise=enterprise,
                                   rules=RIVER_RULES if name.endswith("水位站") else {})
        for suffix, device_name, interval, sensors in DEVICES[kind]:
            device = Device.objects.create(site=site, code=f"{code}-{suffix}", name=device_name, interval_s=interval)
            Sensor.objects.bulk_create([Sensor(device=device, code=s, kind=s) for s in sensors])
        created += 1
    return created


def _point_in(street: str, name: str) -> tuple[float, float]:
    """A point inside one of the street's grids, chosen by the site's name (so always the same)."""
    grids = list(Grid.objects.filter(code__startswith=street).order_by("code").values_list("geometry", flat=True))
    if not grids:
        grids = list(Grid.objects.order_by("code").values_list("geometry", flat=True)[:1])
    pick = int(hashlib.sha256(name.encode()).hexdigest(), 16) % len(grids)
    point = Grid._meta.get_field("geometry").to_python(grids[pick]).representative_point()
    return round(point.x, 6), round(point.y, 6)
