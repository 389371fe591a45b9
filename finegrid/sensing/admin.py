from django.contrib import admin

from .models import Alarm, AlarmEvent, Device, IngestCounter, Sensor, Site


class DeviceInline(admin.TabularInline):
    model = Device
    fields = ["code", "name", "model", "interval_s", "offline_after", "active", "last_seen_at"]
    readonly_fields = ["last_seen_at"]
    extra = 0


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "area_code", "unit", "enterprise", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["code", "name", "enterprise", "area_code"]
    readonly_fields = ["grid", "area_code"]
    inlines = [DeviceInline]


class SensorInline(admin.TabularInline):
    model = Sensor
    fields = ["code", "kind", "rules"]
    extra = 0


@admin.register(Device)
class DeviceAdmin(admin.ModelAdmin):
    list_display = ["code", "site", "name", "interval_s", "last_seen_at", "lost_messages", "active"]
    search_fields = ["code", "name", "site__name"]
    exclude = ["token_hash", "broker_hash", "seq_ts"]  # the token is set by `finegrid device-token`, shown once
    readonly_fields = ["last_seen_at", "seq", "lost_messages"]  # the ingest's count (sequence.py)
    inlines = [SensorInline]


class AlarmEventInline(admin.TabularInline):
    model = AlarmEvent
    fields = ["at", "action", "from_state", "to_state", "severity", "value", "actor_label", "comment"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Alarm)
class AlarmAdmin(admin.ModelAdmin):
    """Read-only: alarms change through the rules, acknowledgement and the tick, each leaving an event."""

    list_display = ["raised_at", "site", "rule", "severity", "state", "message", "case"]
    list_filter = ["state", "severity", "rule"]
    search_fields = ["site__name", "summary", "area_code"]
    inlines = [AlarmEventInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


admin.site.register(IngestCounter, list_display=["name", "value"])
