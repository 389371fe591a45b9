"""What the administrator sets for 大督查: the supervision rules (a new row from a date, so the
rules in force at any moment stay known) and 差异化考核 — each unit's class and each class's weights."""

from django.contrib import admin

from .models import ClassWeight, RuleSet, UnitClass


@admin.register(RuleSet)
class RuleSetAdmin(admin.ModelAdmin):
    list_display = ["valid_from", "yellow_lag", "red_lag", "red_missed", "report_day", "urgent_days", "normal_days",
                    "difficult_days", "note"]


@admin.register(UnitClass)
class UnitClassAdmin(admin.ModelAdmin):
    list_display = ["unit", "klass"]
    list_filter = ["klass"]


@admin.register(ClassWeight)
class ClassWeightAdmin(admin.ModelAdmin):
    list_display = ["klass", "indicator", "weight"]
    list_filter = ["klass"]
