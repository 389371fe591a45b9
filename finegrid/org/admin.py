from django.contrib import admin

from .models import Person, Responsibility, RoleAssignment, Unit


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
    list_display = ["user", "role", "unit", "region"]
    list_filter = ["role"]
    search_fields = ["user__username"]
    raw_id_fields = ["user", "region", "unit", "grids"]


@admin.register(Responsibility)
class ResponsibilityAdmin(admin.ModelAdmin):
    list_display = ["category_code", "region", "unit", "primary"]
    search_fields = ["category_code"]
    raw_id_fields = ["region", "unit"]
