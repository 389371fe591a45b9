import sys

from django.core.management.base import BaseCommand

from finegrid.grid.exporter import EXPORT_LEVELS, export_records
from finegrid.grid.geojson_io import write_collection


class Command(BaseCommand):
    help = "Write the district's regions, grids and micro-grids as GeoJSON (the import format)."

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", help="file to write (default: standard output)")
        parser.add_argument(
            "--level", action="append", choices=EXPORT_LEVELS,
            help="only these levels (repeatable; default: all)",
        )

    def handle(self, *args, output=None, level=None, **options):
        levels = tuple(level or EXPORT_LEVELS)
        if output:
            with open(output, "w", encoding="utf-8") as stream:
                count = write_collection(export_records(levels), stream)
            self.stderr.write(f"{count} features → {output}")
        else:
            write_collection(export_records(levels), sys.stdout)
