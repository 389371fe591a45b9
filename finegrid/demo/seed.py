"""`finegrid seed-demo`: Guangling district in the database — its grids through the same
validated import as any grid file, then the gazetteer, the organisation, the category catalogue,
the responsibility matrix and, when asked for, a year of case history. Every step skips what is
already there, so running it twice creates nothing new."""

import shapely
from django.db import transaction

from finegrid.cases.catalogue import load_catalogue
from finegrid.intake.questions import load_questions
from finegrid.demo.history import generate_history
from finegrid.cases.models import Case
from finegrid.core.models import audit
from finegrid.grid.importer import import_records
from finegrid.grid.models import Grid, Place
from finegrid.grid.records import FeatureRecord
from finegrid.sensing.demo import seed_sensing

from .disputes import seed_disputes

from . import staff
from .responsibility import fill_responsibility
from .petitions import seed_petitions
from .tasks import seed_tasks


class SeedError(Exception):
    pass


def _named_places():
    from .named_places import seed_named_places

    return seed_named_places()


def seed_demo(progress=None, cases: int = 0, layout=None) -> dict:
    """Build whatever part of the demo district is missing, with history until the database
    holds `cases` cases; returns what was created. `layout` is a build_layout() already made
    (the tests share one), built here when needed otherwise."""
    created = {}
    if not Grid.objects.exists():
        layout = layout or _layout(progress)
        _step(progress, "check+store", 0)
        created["features"] = _import_layout(layout)
        _step(progress, "check+store", 1)
    if not Place.objects.exists():
        layout = layout or _layout(progress)
        _step(progress, "gazetteer", 0)
        created["places"] = _create_places(layout)
        _step(progress, "gazetteer", 1)
    with transaction.atomic():
        created.update(staff.create_staff(progress=progress))
        created["categories"] = _load_catalogue()
        created["responsibilities"] = fill_responsibility(progress=progress)
        created["sensing_sites"] = seed_sensing()
        created["named_places"] = _named_places()
    created["disputes"] = seed_disputes()
    if cases:
        created["cases"] = _history(cases, progress)
    created.update(seed_petitions())
    created.update(seed_tasks())  # 大督查: the work report's key tasks, a year of their progress, a 整改台账
    if any(created.values()):
        audit("demo.seed", "guangling", None, **created)
    return created


def _load_catalogue() -> int:
    created = load_catalogue()["categories"]
    load_questions()  # the questions dispatchers need (a lamp's pole number, a manhole cover's state)
    return created


def _history(cases: int, progress) -> int:
    """Cases until the database holds `cases`: none when it already does. A top-up draws from
    another seed (the count already there), so it never repeats the first history."""
    missing = cases - Case.objects.count()
    if missing <= 0:
        return 0
    return generate_history(missing, seed=cases - missing, progress=progress)["cases"]


def _step(progress, name: str, done: int) -> None:
    if progress:
        progress(name, done, 1)


def _layout(progress):
    from .layout import build_layout

    return build_layout(progress=progress)


def layout_records(layout) -> list[FeatureRecord]:
    """The layout as grid-file records, parents first."""
    records = [_area_record(layout.district)]
    records += [_area_record(area) for area in layout.streets + layout.communities]
    records += [
        FeatureRecord(0, "grid", g.code, g.name, g.polygon, g.kind, g.households, g.population)
        for g in layout.grids
    ]
    records += [
        FeatureRecord(0, "microgrid", m.code, m.name, m.polygon, "general", m.households, m.population)
        for m in layout.microgrids
    ]
    for index, record in enumerate(records, start=1):
        record.index = index
    return records


def _area_record(area) -> FeatureRecord:
    return FeatureRecord(0, area.level, area.code, area.name, area.polygon)


def _import_layout(layout) -> int:
    report = import_records(layout_records(layout), source="demo layout")
    if not report.ok:
        details = "\n".join(str(problem) for problem in report.problems[:20])
        raise SeedError(f"the demo layout broke {len(report.problems)} grid rules:\n{details}")
    return report.created


def _create_places(layout) -> int:
    # The district's own name (广陵区) says nothing about where in the district a thing is.
    places = [_place(p) for p in layout.places if p.kind != "district"]
    Place.objects.bulk_create(places, batch_size=2000)
    return len(places)


# The layout's place kinds → the gazetteer's. Anything else is a landmark (garden, temple, bridge…).
PLACE_KINDS = {
    "street": Place.Kind.STREET, "town": Place.Kind.STREET,
    "community": Place.Kind.COMMUNITY, "village": Place.Kind.COMMUNITY,
    "road": Place.Kind.ROAD, "historic_street": Place.Kind.ROAD, "river": Place.Kind.RIVER,
    "area": Place.Kind.AREA, "scenic_area": Place.Kind.AREA, "historic_town": Place.Kind.AREA,
    "industrial_area": Place.Kind.AREA,
    "compound": Place.Kind.COMPOUND, "building": Place.Kind.BUILDING, "village_group": Place.Kind.BUILDING,
}


def _place(place) -> Place:
    point = place.geometry
    if point.geom_type != "Point":
        point = shapely.line_interpolate_point(point, 0.5, normalized=True)
    return Place(
        name=place.name, kind=PLACE_KINDS.get(place.kind, Place.Kind.LANDMARK), subkind=place.kind,
        aliases=sorted(set(place.aliases) - {place.name}), geometry=place.geometry,
        lon=point.x, lat=point.y, street_codes=list(place.street_codes),
    )
