"""Who must act: units (departments, streets, communities, enterprises), people, their roles with
area scopes, and the responsibility matrix (category × area → unit)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from finegrid.grid.models import Grid, Region

from .privacy import mask_phone
from .roles import Role  # noqa: F401 — defined apart so app configs can name roles before the models load


class Unit(models.Model):
    """An organisation unit that can be given work: a district department (区直部门), a street or
    town office, a community committee, or a property owner / enterprise (产权单位/企业)."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("District department")
        STREET = "street", _("Street or town office")
        COMMUNITY = "community", _("Community or village committee")
        PROPERTY = "property", _("Property owner or enterprise")
        PARTY = "party", _("Party organ")  # 区委办, 组织部, 政法委 …: key tasks are led by them too

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64)
    short_name = models.CharField(_("short name"), max_length=32, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    region = models.ForeignKey(
        Region, models.PROTECT, null=True, blank=True, related_name="units",
        verbose_name=_("area governed"),
    )
    phone = models.CharField(_("duty phone"), max_length=32, blank=True)
    # The unit's 三定 responsibilities in a few sentences: what a lead unit is suggested from.
    duties = models.TextField(_("duties"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self):
        return self.name


class Person(models.Model):
    """The staff record beside a Django user: real name, phone and home unit."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE, related_name="person")
    full_name = models.CharField(_("full name"), max_length=32)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    unit = models.ForeignKey(
        Unit, models.PROTECT, null=True, blank=True, related_name="people", verbose_name=_("unit")
    )

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self):
        return self.full_name

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


class RoleAssignment(models.Model):
    """One role of one user, limited to an area: a region (district, street or community), a set of
    grids (grid workers), or a unit's own work (handlers). No area means the whole district."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    region = models.ForeignKey(
        Region, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("area")
    )
    grids = models.ManyToManyField(Grid, blank=True, related_name="role_assignments", verbose_name=_("grids"))
    unit = models.ForeignKey(
        Unit, models.PROTECT, null=True, blank=True, related_name="role_assignments", verbose_name=_("unit")
    )

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        indexes = [models.Index(fields=["user", "role"])]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()}"


class Responsibility(models.Model):
    """A cell of the responsibility matrix (责任矩阵): in `region`, cases of `category_code` go to `unit`.

    The category is its catalogue code; a code also covers the categories below it (a 大类 row
    applies to all its 小类) and the most specific row wins — see `responsibility.units_for`."""

    category_code = models.CharField(_("category code"), max_length=32, db_index=True)
    region = models.ForeignKey(Region, models.PROTECT, related_name="responsibilities", verbose_name=_("area"))
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="responsibilities", verbose_name=_("unit"))
    primary = models.BooleanField(_("primary"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("responsibility")
        verbose_name_plural = _("responsibility matrix")
        constraints = [
            models.UniqueConstraint(fields=["category_code", "region", "unit"], name="unique_responsibility")
        ]

    def __str__(self):
        return f"{self.category_code} @ {self.region} → {self.unit}"
