"""The district's spatial hierarchy: 区 → 街道/镇 → 社区/村 (Region) → 网格 (Grid) → 微网格 (MicroGrid),
and the gazetteer of named places (Place) that text is resolved through."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .fields import GeometryField


class Region(models.Model):
    """An administrative area above the grids: the district, a street/town or a community/village."""

    class Level(models.TextChoices):
        DISTRICT = "district", _("District")
        STREET = "street", _("Street")
        TOWN = "town", _("Town")
        COMMUNITY = "community", _("Community")
        VILLAGE = "village", _("Village")

    code = models.CharField(_("code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=64)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    geometry = GeometryField(_("boundary"), null=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self):
        return self.name

    @property
    def is_street_level(self) -> bool:
        return self.level in (self.Level.STREET, self.Level.TOWN)

    @property
    def is_community_level(self) -> bool:
        return self.level in (self.Level.COMMUNITY, self.Level.VILLAGE)


class Cell(models.Model):
    """What grids and micro-grids share: who lives there and the boundary."""

    households = models.PositiveIntegerField(_("households"), default=0)
    population = models.PositiveIntegerField(_("population"), default=0)
    geometry = GeometryField(_("boundary"), editable=False)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)  # the locator's change signal

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self):
        return f"{self.name} ({self.code})"


class Grid(Cell):
    """A unit grid (单元网格): the cell a grid worker patrols; belongs to exactly one community."""

    class Kind(models.TextChoices):
        GENERAL = "general", _("General grid")
        PARK = "park", _("Dedicated grid: park")
        SCHOOL = "school", _("Dedicated grid: school")
        HOSPITAL = "hospital", _("Dedicated grid: hospital")
        ENTERPRISE = "enterprise", _("Dedicated grid: enterprise")

    code = models.CharField(_("code"), max_length=15, unique=True)
    name = models.CharField(_("name"), max_length=64)
    community = models.ForeignKey(
        Region, models.PROTECT, related_name="grids", verbose_name=_("community")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.GENERAL)

    class Meta(Cell.Meta):
        verbose_name = _("grid")
        verbose_name_plural = _("grids")


class MicroGrid(Cell):
    """A micro-grid (微网格): a building or 10–50 households inside one grid."""

    code = models.CharField(_("code"), max_length=18, unique=True)
    name = models.CharField(_("name"), max_length=64)
    grid = models.ForeignKey(Grid, models.CASCADE, related_name="microgrids", verbose_name=_("grid"))

    class Meta(Cell.Meta):
        verbose_name = _("micro-grid")
        verbose_name_plural = _("micro-grids")


class Place(models.Model):
    """A named place of the gazetteer (地名库): a community, road, landmark or building.

    `lon`/`lat` is the place's representative point (for a road, the middle of its line), which is
    what a text mention of a building or landmark is located to."""

    class Kind(models.TextChoices):
        STREET = "street", _("Street or town")
        COMMUNITY = "community", _("Community or village")
        AREA = "area", _("Named area")
        ROAD = "road", _("Road")
        RIVER = "river", _("River")
        LANDMARK = "landmark", _("Landmark")
        COMPOUND = "compound", _("Residential compound")
        BUILDING = "building", _("Building")

    name = models.CharField(_("name"), max_length=64, db_index=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    subkind = models.CharField(_("detail"), max_length=32, blank=True)
    aliases = models.JSONField(_("aliases"), default=list, blank=True)
    geometry = GeometryField(_("geometry"), editable=False)
    lon = models.FloatField()
    lat = models.FloatField()
    # The streets the place lies in, best first: a road through two streets names both.
    street_codes = models.JSONField(_("streets"), default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("place")
        verbose_name_plural = _("places")

    def __str__(self):
        return self.name

