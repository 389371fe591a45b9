import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from shapely.geometry import Polygon, box

from finegrid.core.models import AuditEntry
from finegrid.grid.geojson_io import read_records
from finegrid.grid.importer import import_records
from finegrid.grid.models import Grid, MicroGrid, Region
from finegrid.grid.tests.factories import as_geojson, tiny_records

pytestmark = pytest.mark.django_db


def _replace(records, which, **changes):
    for record in records:
        if record.code == which:
            for key, value in changes.items():
                setattr(record, key, value)
    return records


def _counts():
    return Region.objects.count(), Grid.objects.count(), MicroGrid.objects.count()


def test_valid_file_imports_every_level():
    report = import_records(tiny_records())
    assert report.ok and report.created == len(tiny_records())
    assert _counts() == (5, 8, 16)
    assert Grid.objects.get(code="321002001001001").community.code == "321002001001"
    assert AuditEntry.objects.filter(action="grid.import").count() == 1


def test_reimporting_the_same_file_updates_and_creates_nothing():
    import_records(tiny_records())
    report = import_records(tiny_records())
    assert report.ok and report.created == 0 and report.updated == len(tiny_records())
    assert _counts() == (5, 8, 16)


def test_self_crossing_polygon_is_rejected_by_name():
    bowtie = Polygon([(119.40, 32.41), (119.41, 32.42), (119.41, 32.41), (119.40, 32.42)])
    records = _replace(tiny_records(), "321002001001001", geometry=bowtie)
    problems = import_records(records).problems
    assert [(p.code, p.rule) for p in problems] == [("321002001001001", "geometry")]
    assert "Self-intersection" in problems[0].message
    assert _counts() == (0, 0, 0)


def test_grid_outside_its_community_is_rejected():
    records = _replace(tiny_records(), "321002001001002", geometry=box(119.41, 32.41, 119.43, 32.42))
    rules = {(p.code, p.rule) for p in import_records(records).problems}
    assert ("321002001001002", "outside-parent") in rules
    assert ("321002001001002", "overlap") in rules  # it also covers the next street's grid


def test_overlapping_neighbours_are_rejected_but_touching_ones_are_not():
    records = _replace(tiny_records(), "321002001001001", geometry=box(119.40, 32.41, 119.4105, 32.42))
    problems = import_records(records).problems
    assert {(p.code, p.rule) for p in problems} >= {("321002001001001", "overlap")}
    assert "321002001001002" in next(p.message for p in problems if p.rule == "overlap")


def test_overlap_within_tolerance_is_drawing_noise():
    # A 1 cm sliver along a 1.1 km edge (10 m²) is thinner than the 10 cm tolerance.
    records = _replace(tiny_records(), "321002001001001", geometry=box(119.40, 32.41, 119.4100001, 32.42))
    records = [r for r in records if not r.code.startswith("321002001001001") or r.level == "grid"]
    assert import_records(records).ok


def test_codes_that_disagree_with_their_parents_are_rejected():
    records = tiny_records()
    _replace(records, "321002001001003", code="321002002001009")  # a grid filed under the wrong community
    _replace(records, "321002001001004", code="32100200100104")  # one digit short
    problems = {(p.index, p.rule) for p in import_records(records).problems}
    assert (next(r.index for r in records if r.code == "321002002001009"), "outside-parent") in problems
    assert (next(r.index for r in records if r.code == "32100200100104"), "code") in problems


def test_missing_parent_and_duplicates_are_named():
    records = tiny_records()
    _replace(records, "321002002001", code="321002002009")  # the second community changes its code
    records.append(records[-1])
    problems = import_records(records).problems
    rules = {p.rule for p in problems}
    assert {"parent", "duplicate"} <= rules
    assert all(p.index > 0 for p in problems)


def test_a_bad_file_changes_nothing_already_stored():
    import_records(tiny_records())
    before = list(Grid.objects.values_list("code", "name", "households"))
    records = _replace(tiny_records(), "321002001001001", name="改名", households=1)
    _replace(records, "321002001001002", geometry=box(119.5, 32.5, 119.51, 32.51))
    assert not import_records(records).ok
    assert list(Grid.objects.values_list("code", "name", "households")) == before


@pytest.mark.parametrize(
    "text, rule",
    [
        ("{not json", "json"),
        ('{"type": "Feature"}', "json"),
        ('{"type": "FeatureCollection", "features": [{"type": "Feature"}]}', "feature"),
        ('{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"level": "x"}}]}', "level"),
    ],
)
def test_unreadable_files_and_features_are_reported(text, rule):
    records, problems = read_records(text)
    assert [p.rule for p in problems] == [rule]


def test_unreadable_numbers_and_geometries_are_reported():
    features = [
        {"type": "Feature", "properties": {"level": "grid", "code": "1", "households": "many"}, "geometry": None},
        {"type": "Feature", "properties": {"level": "grid", "code": "2", "households": -3}, "geometry": None},
        {"type": "Feature", "properties": {"level": "grid", "code": "3"}, "geometry": {"type": "Point", "coordinates": [1, 2]}},
        {"type": "Feature", "properties": {"level": "grid", "code": "4"},
         "geometry": {"type": "Polygon", "coordinates": [[[500, 1], [501, 1], [501, 2], [500, 1]]]}},
    ]
    _, problems = read_records(json.dumps({"type": "FeatureCollection", "features": features}))
    assert [(p.index, p.rule) for p in problems] == [(1, "count"), (2, "count"), (3, "geometry"), (4, "geometry")]


def test_import_command_refuses_a_bad_file_and_lists_each_problem(tmp_path, capsys):
    records = _replace(tiny_records(), "321002001001001", kind="castle")
    path = tmp_path / "bad.geojson"
    path.write_text(as_geojson(records), encoding="utf-8")
    with pytest.raises(CommandError, match="未导入任何数据"):  # Chinese by default
        call_command("import_grids", str(path))
    assert "321002001001001 [kind]" in capsys.readouterr().err
    assert _counts() == (0, 0, 0)


def test_problems_read_in_english_when_english_is_chosen(tmp_path):
    records = _replace(tiny_records(), "321002001001001", kind="castle")
    with translation.override("en"):
        [problem] = import_records(records).problems
        assert "unknown grid kind 'castle'" in problem.message and str(problem).startswith("feature 4")


def test_export_round_trips_through_import(tmp_path):
    import_records(tiny_records())
    first = tmp_path / "first.geojson"
    call_command("export_grids", output=str(first))
    MicroGrid.objects.all().delete()
    Grid.objects.all().delete()
    for level in ("community", "street", "district"):
        Region.objects.filter(level=level).delete()
    call_command("import_grids", str(first))
    second = tmp_path / "second.geojson"
    call_command("export_grids", output=str(second))
    assert first.read_text() == second.read_text()
    assert len(json.loads(first.read_text())["features"]) == len(tiny_records())
