from django.contrib import admin

from .models import Question, Receipt, Update


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    """The extra questions a category asks (Open311 attributes): administrators keep them here."""

    list_display = ("category", "code", "description", "datatype", "required", "variable", "order")
    list_filter = ("datatype", "required")
    search_fields = ("category__code", "category__name", "code", "description")
    autocomplete_fields = ("category",)


@admin.register(Receipt)
class ReceiptAdmin(admin.ModelAdmin):
    list_display = ("case", "channel", "key", "created_at")
    list_filter = ("channel",)
    search_fields = ("case__ticket", "key")
    readonly_fields = [f.name for f in Receipt._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Update)
class UpdateAdmin(admin.ModelAdmin):
    list_display = ("case", "status", "author", "updated_at")
    readonly_fields = [f.name for f in Update._meta.fields]

    def has_add_permission(self, request):
        return False
