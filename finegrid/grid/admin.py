from django.contrib import admin

from .models import Grid, MicroGrid, Place, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]


@admin.register(Grid)
class GridAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "community", "kind", "households", "population"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]
    list_select_related = ["community"]
    raw_id_fields = ["community"]


@admin.register(MicroGrid)
class MicroGridAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "grid", "households"]
    search_fields = ["code", "name"]
    list_select_related = ["grid"]
    raw_id_fields = ["grid"]


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "subkind", "lon", "lat"]
    list_filter = ["kind"]
    search_fields = ["name"]
