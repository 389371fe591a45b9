"""A tiny district for tests: two streets side by side, each with one community of 2×2 grids,
each grid split into two micro-grids. All squares, so expected answers are easy to reason about.

    lon 119.40      119.42      119.44        (each grid is 0.01° square)
    lat 32.42 +-----+-----+-----+-----+
              | 001 | 002 | 001 | 002 |       street 321002001 | street 321002002
    lat 32.41 +-----+-----+-----+-----+
              | 003 | 004 | 003 | 004 |
    lat 32.40 +-----+-----+-----+-----+
"""

import json

from shapely.geometry import box

from finegrid.grid.records import FeatureRecord

DISTRICT = "321002"
STREETS = {"321002001": ("东关街道", 119.40), "321002002": ("汶河街道", 119.42)}
SIZE = 0.01


def tiny_records() -> list[FeatureRecord]:
    records = [FeatureRecord(0, "district", DISTRICT, "广陵区", box(119.40, 32.40, 119.44, 32.42))]
    for street, (name, west) in STREETS.items():
        records.append(FeatureRecord(0, "street", street, name, box(west, 32.40, west + 2 * SIZE, 32.42)))
        community = street + "001"
        records.append(FeatureRecord(0, "community", community, name[:2] + "社区", box(west, 32.40, west + 2 * SIZE, 32.42)))
        records += _grids(community, west)
    for index, record in enumerate(records, start=1):
        record.index = index
    return records


def _grids(community: str, west: float) -> list[FeatureRecord]:
    records = []
    for seq, (col, row) in enumerate([(0, 1), (1, 1), (0, 0), (1, 0)], start=1):
        x, y = west + col * SIZE, 32.40 + row * SIZE
        code = f"{community}{seq:03d}"
        records.append(FeatureRecord(0, "grid", code, f"第{seq}网格", box(x, y, x + SIZE, y + SIZE), "general", 400, 1000))
        records.append(FeatureRecord(0, "microgrid", code + "001", "1幢", box(x, y, x + SIZE / 2, y + SIZE), "general", 200, 500))
        records.append(FeatureRecord(0, "microgrid", code + "002", "2幢", box(x + SIZE / 2, y, x + SIZE, y + SIZE), "general", 200, 500))
    return records


def as_geojson(records) -> str:
    from finegrid.grid.geojson_io import feature_of

    return json.dumps({"type": "FeatureCollection", "features": [feature_of(r) for r in records]}, ensure_ascii=False)


def load_tiny_district():
    from finegrid.grid.importer import import_records

    report = import_records(tiny_records())
    assert report.ok, report.problems
    return report
