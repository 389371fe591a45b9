"""The Django admin for units, people, roles and the responsibility matrix, with 三员分立
(GB/T 22239-2019) held here as in the console: roles are granted by the security administrator
alone — not by a superuser, who is the system administrator — and nobody reaches another
administrator's password."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import Person, Responsibility, Role, RoleAssignment, Unit

ADMINISTRATORS = frozenset({Role.ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR})  # 三员


def holds(user, roles) -> bool:
    return user.is_active and RoleAssignment.objects.filter(user=user, role__in=list(roles)).exists()


def is_administrator(user) -> bool:
    return user.is_superuser or holds(user, ADMINISTRATORS)


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "parent", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["code", "name", "short_name"]
    raw_id_fields = ["parent", "region"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["full_name", "user", "masked_phone", "unit"]
    search_fields = ["full_name", "user__username"]
    raw_id_fields = ["user", "unit"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    """Read by the system administrator, granted and taken by the security administrator only,
    and never by anyone to themselves."""

    list_display = ["user", "role", "unit", "region"]
    list_filter = ["role"]
    search_fields = ["user__username"]
    raw_id_fields = ["user", "region", "unit", "grids"]

    def _grants(self, request) -> bool:
        return holds(request.user, {Role.SECURITY_ADMIN})

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser or self._grants(request)

    def has_add_permission(self, request):
        return self._grants(request)

    def has_change_permission(self, request, obj=None):
        return self._grants(request) and (obj is None or obj.user_id != request.user.pk)

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)

        class NotToOneself(form):
            def clean(self):
                data = super().clean()
                if data.get("user") == request.user:
                    raise ValidationError(_("Nobody grants a role to themselves (三员分立)."))
                return data

        return NotToOneself


admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class AccountAdmin(UserAdmin):
    """Django's user admin for the system administrator's accounts work, except that another
    administrator's account is read-only (no password, no deactivation, no deletion) and nobody
    is given Django's superuser flag, groups or permissions here: rights come from roles."""

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "is_superuser", "groups", "user_permissions"]

    def _another_administrator(self, request, obj) -> bool:
        return obj is not None and obj.pk != request.user.pk and is_administrator(obj)

    def has_change_permission(self, request, obj=None):
        # UserAdmin's password form asks this too, so another administrator's password is closed.
        return super().has_change_permission(request, obj) and not self._another_administrator(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._another_administrator(request, obj)


@admin.register(Responsibility)
class ResponsibilityAdmin(admin.ModelAdmin):
    list_display = ["category_code", "region", "unit", "primary"]
    search_fields = ["category_code"]
    raw_id_fields = ["region", "unit"]
