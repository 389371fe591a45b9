from django.contrib import admin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit log is evidence, so nobody edits or deletes it."""

    list_display = ["at", "actor_label", "action", "target"]
    list_filter = ["action"]
    search_fields = ["actor_label", "target"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    # 三员分立: the audit log is the auditor's alone (the console's /console/audit/), not the
    # system administrator's, however super their account.
    def has_view_permission(self, request, obj=None):
        return False

    def has_module_permission(self, request):
        return False
