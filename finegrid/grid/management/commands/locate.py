import json
import re
import sys
from itertools import islice

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from finegrid.grid.gazetteer import Gazetteer
from finegrid.grid.locate import Location, current_index

COORDINATES = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*[,，\s]\s*(-?\d+(?:\.\d+)?)\s*$")
BATCH = 10_000


class Command(BaseCommand):
    help = "Read lines of 'lon,lat' or of place text on stdin; write one JSON object per line."

    def handle(self, *args, **options):
        index, gazetteer = current_index(), None
        while batch := list(islice(sys.stdin, BATCH)):
            if gazetteer is None and any(not COORDINATES.match(line) for line in batch):
                gazetteer = Gazetteer()
            for location in locate_lines(batch, index, gazetteer):
                sys.stdout.write(json.dumps(location.as_dict(), ensure_ascii=False) + "\n")
            sys.stdout.flush()


def locate_lines(lines, index, gazetteer) -> list[Location]:
    """Answer a batch of lines in order; coordinates go through the vectorised locator at once."""
    points = {i: COORDINATES.match(line) for i, line in enumerate(lines)}
    points = {i: (float(m[1]), float(m[2])) for i, m in points.items() if m}
    answers = [None] * len(lines)
    if points:
        lons, lats = zip(*points.values())
        grid_indexes, micro_indexes = index.locate_many(lons, lats)
        for i, g, m in zip(points, grid_indexes, micro_indexes):
            answers[i] = index.location(int(g), int(m))
    for i, line in enumerate(lines):
        if answers[i] is None:
            text = line.strip()
            answers[i] = gazetteer.resolve(text, index) if text else Location(reason=_("empty line"))
    return answers
