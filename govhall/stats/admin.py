"""The ranking's weights and minimum, and the stored assessment reports (read only), in the admin."""

from __future__ import annotations

from django.contrib import admin

from govhall.stats.models import RankingSettings, Report, Weight


@admin.register(Weight)
class WeightAdmin(admin.ModelAdmin):
    list_display = ["indicator", "weight"]
    list_editable = ["weight"]
    list_display_links = ["indicator"]


@admin.register(RankingSettings)
class RankingSettingsAdmin(admin.ModelAdmin):
    """One row: the minimum number of assessed cases a department needs in the period to be ranked."""

    list_display = ["__str__", "min_cases"]

    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) and not RankingSettings.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """Reports are generated and published on the statistics pages; here they can only be read (and a
    draft deleted)."""

    list_display = ["__str__", "state", "version", "generated_at", "published_at", "published_by"]
    list_filter = ["state"]
    readonly_fields = [
        "month",
        "state",
        "version",
        "data",
        "generated_at",
        "generated_by",
        "published_at",
        "published_by",
    ]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and (obj is None or obj.state != "published")
