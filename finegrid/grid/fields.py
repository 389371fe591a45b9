"""A geometry column without GeoDjango: shapely geometries stored as WKB in a binary column.

finegrid never asks the database spatial questions (the locator and the validators work in
memory with shapely), so plain bytes keep SQLite and PostgreSQL identical and need no GDAL."""

import shapely
from django.db import models


class GeometryField(models.BinaryField):
    description = "A shapely geometry stored as WKB"

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        return shapely.from_wkb(bytes(value))

    def to_python(self, value):
        if value is None or isinstance(value, shapely.Geometry):
            return value
        return shapely.from_wkb(bytes(value))

    def get_db_prep_value(self, value, connection, prepared=False):
        if isinstance(value, shapely.Geometry):
            value = shapely.to_wkb(value)
        return super().get_db_prep_value(value, connection, prepared)
