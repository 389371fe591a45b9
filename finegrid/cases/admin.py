from django import forms
from django.contrib import admin
from django.db.models import Max
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .calendar import Limit
from .catalogue import LEAF, revise_rule
from .models import (
    AcceptanceCondition, CalendarDay, CalendarYear, Category, CategoryRule, IndicatorWeight, WorkingPeriod,
)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    """Categories are switched off (active), never deleted: cases and rule versions point at them."""

    list_display = ["code", "name", "domain", "level", "public", "active", "current_version"]
    list_filter = ["domain", "level", "public", "active"]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]
    raw_id_fields = ["parent"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_version=Max("rules__version"))

    @admin.display(description=_("rule version"), ordering="_version")
    def current_version(self, obj):
        return obj._version

    def get_readonly_fields(self, request, obj=None):
        # Codes nest under their parent and carry their domain: once a category exists, cases and
        # the responsibility matrix refer to its code, so code and place in the tree are fixed.
        return ["code", "domain", "level", "parent"] if obj else []

    def has_delete_permission(self, request, obj=None):
        return False


class ConditionForm(forms.ModelForm):
    class Meta:
        model = AcceptanceCondition
        fields = ["text", "limit_value", "limit_kind"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2, "cols": 60})}

    def clean_limit_value(self):
        value = self.cleaned_data["limit_value"]
        if value is not None and value <= 0:
            raise forms.ValidationError(_("A time limit must be more than zero."))
        return value


class ConditionInline(admin.TabularInline):
    model = AcceptanceCondition
    form = ConditionForm
    extra = 1
    min_num = 1
    validate_min = True


@admin.register(CategoryRule)
class CategoryRuleAdmin(admin.ModelAdmin):
    """Saving never edits a version: it writes the next one through `revise_rule`, because the
    cases accepted under a version must keep its 立案条件 and 处置时限."""

    list_display = ["category", "version", "unit_kind", "verify_required", "check_required", "created_at", "created_by"]
    list_filter = ["category__domain", "unit_kind"]
    search_fields = ["category__code", "category__name"]
    list_select_related = ["category", "created_by"]
    raw_id_fields = ["category"]
    inlines = [ConditionInline]

    def get_readonly_fields(self, request, obj=None):
        always = ["version", "created_at", "created_by"]
        return ["category", *always] if obj else always

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "category":
            kwargs["queryset"] = Category.objects.filter(level=LEAF)  # only a 小类 has rules
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        pass  # the new version is written in save_related, once the conditions are known

    def save_related(self, request, form, formsets, change):
        if change and not (form.has_changed() or any(f.has_changed() for f in formsets)):
            return  # a save without edits writes no version
        data = form.cleaned_data
        rule = revise_rule(
            form.instance.category, request.user, conditions=_conditions(formsets), closing=data["closing_condition"],
            unit_kind=data["unit_kind"], verify=data["verify_required"], check=data["check_required"],
        )
        # The admin logs and redirects with the object it holds: point it at the new version.
        form.instance.pk, form.instance.version = rule.pk, rule.version

    def construct_change_message(self, request, form, formsets, add=False):
        # Django's default lists the inline objects saved; none were (revise_rule wrote copies).
        if add:
            return [{"added": {}}]
        fields = [str(form.fields[name].label) for name in form.changed_data]
        if any(f.has_changed() for f in formsets):
            fields.append(str(AcceptanceCondition._meta.verbose_name_plural))
        return [{"changed": {"fields": fields}}] if fields else []

    def response_change(self, request, obj):
        response = super().response_change(request, obj)
        if "_continue" in request.POST:  # stay on the version just written, not the old one
            return HttpResponseRedirect(reverse("admin:cases_categoryrule_change", args=[obj.pk]))
        return response


def _conditions(formsets) -> list[tuple[str, Limit]]:
    """The inline rows kept on the form, in their order, as (text, limit) pairs."""
    rows = []
    for formset in formsets:
        for form in formset.forms:
            data = getattr(form, "cleaned_data", None)
            if data and not data.get("DELETE"):
                rows.append((data["text"], Limit(data["limit_value"], data["limit_kind"])))
    return rows


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "name"]
    list_filter = ["kind"]
    date_hierarchy = "date"


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ["year", "source"]


@admin.register(WorkingPeriod)
class WorkingPeriodAdmin(admin.ModelAdmin):
    list_display = ["start", "end"]


@admin.register(IndicatorWeight)
class IndicatorWeightAdmin(admin.ModelAdmin):
    list_display = ["indicator", "weight"]
