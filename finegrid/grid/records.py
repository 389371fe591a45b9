"""The plain record every grid file, the demo builder and the exporter speak: one feature of the
hierarchy (a region, a grid or a micro-grid) with its code, level and geometry."""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from .codes import COMMUNITY_LEN, DISTRICT_LEN, GRID_LEN, MICROGRID_LEN, STREET_LEN

CODE_LENGTH = {
    "district": DISTRICT_LEN,
    "street": STREET_LEN,
    "town": STREET_LEN,
    "community": COMMUNITY_LEN,
    "village": COMMUNITY_LEN,
    "grid": GRID_LEN,
    "microgrid": MICROGRID_LEN,
}
REGION_LEVELS = ("district", "street", "town", "community", "village")
LEVEL_LABELS = {
    "district": _("district"),
    "street": _("street"),
    "town": _("town"),
    "community": _("community"),
    "village": _("village"),
    "grid": _("grid"),
    "microgrid": _("micro-grid"),
}


@dataclass
class FeatureRecord:
    index: int  # 1-based position in the file, so a report can point at the feature
    level: str
    code: str
    name: str
    geometry: object  # a shapely geometry, or None when the file's geometry could not be read
    kind: str = "general"
    households: int = 0
    population: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def parent_code(self) -> str | None:
        return None if self.level == "district" else self.code[: CODE_LENGTH[self.level] - 3]

    def label(self) -> str:
        return f"#{self.index} {self.code or '?'} {self.name or ''}".strip()
