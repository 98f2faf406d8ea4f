"""Admin for lanes: drafts are edited here (stages, items, unified form, materials); a published version is
read-only and changes by "revise". Actions publish, revise, build the shared materials and export the
unified form as JSON. Lane cases are read-only: every change goes through services."""

from __future__ import annotations

import json

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govhall.lanes import services
from govhall.lanes.models import (
    FormField,
    Lane,
    LaneCase,
    LaneEvent,
    LaneItemCase,
    LaneMaterial,
    Stage,
    StageItem,
)
from govhall.lanes.unified import form_as_json


class DraftOnlyInline(admin.TabularInline):
    extra = 0

    def _editable(self, obj) -> bool:
        lane = obj if isinstance(obj, Lane) else getattr(obj, "lane", None)
        return lane is None or lane.is_editable

    def has_add_permission(self, request, obj=None) -> bool:
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._editable(obj) and super().has_delete_permission(request, obj)


class StageInline(DraftOnlyInline):
    model = Stage
    fields = ["position", "name", "lead_department", "join_rule", "limit_days"]
    show_change_link = True


class FormFieldInline(DraftOnlyInline):
    model = FormField
    fields = [
        "position",
        "key",
        "label",
        "field_type",
        "required",
        "binds",
        "help_text",
        "choices",
        "min_length",
        "max_length",
        "min_value",
        "max_value",
        "pattern",
        "pattern_message",
    ]


class LaneMaterialInline(DraftOnlyInline):
    model = LaneMaterial
    fields = ["position", "name", "originals", "copies", "required", "covers"]


@admin.register(Lane)
class LaneAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "version", "status", "lead_department", "published_at"]
    list_filter = ["status"]
    search_fields = ["name", "code"]
    inlines = [StageInline, FormFieldInline, LaneMaterialInline]
    actions = ["publish", "revise", "build_materials", "export_form"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not obj.is_editable:
            return [f.name for f in Lane._meta.fields]
        return ["status", "published_at", "published_by"]

    def _each(self, request, queryset, verb) -> None:
        for lane in queryset:
            try:
                verb(lane)
            except ValidationError as error:
                self.message_user(request, f"{lane}: {'；'.join(error.messages)}", messages.ERROR)
            else:
                self.message_user(request, f"{lane}: ✓", messages.SUCCESS)

    @admin.action(description=_("Publish the selected drafts"))
    def publish(self, request, queryset):
        self._each(
            request, queryset, lambda lane: services.publish_lane(lane, by=request.user, now=timezone.now())
        )

    @admin.action(description=_("Revise: copy to a new draft version"))
    def revise(self, request, queryset):
        self._each(
            request, queryset, lambda lane: services.revise_lane(lane, by=request.user, now=timezone.now())
        )

    @admin.action(description=_("Build the set of materials from the items' lists"))
    def build_materials(self, request, queryset):
        self._each(request, queryset, services.share_materials)

    @admin.action(description=_("Export the unified form as JSON"))
    def export_form(self, request, queryset):
        lane = queryset.first()
        response = HttpResponse(
            json.dumps(form_as_json(lane), ensure_ascii=False, indent=2), content_type="application/json"
        )
        response["Content-Disposition"] = f'attachment; filename="{lane.code}-v{lane.version}-form.json"'
        return response


class StageItemInline(DraftOnlyInline):
    model = StageItem
    fields = ["position", "item", "in_join", "field_map"]
    autocomplete_fields = ["item"]

    def _editable(self, obj) -> bool:
        return obj is None or obj.lane.is_editable


@admin.register(Stage)
class StageAdmin(admin.ModelAdmin):
    list_display = ["lane", "position", "name", "lead_department", "join_rule", "limit_days"]
    inlines = [StageItemInline]

    def has_change_permission(self, request, obj=None) -> bool:
        return (obj is None or obj.lane.is_editable) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return (obj is None or obj.lane.is_editable) and super().has_delete_permission(request, obj)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class ItemCaseInline(ReadOnlyInline):
    model = LaneItemCase
    fields = ["run", "stage_item", "case", "application"]


class EventInline(ReadOnlyInline):
    model = LaneEvent
    fields = ["seq", "kind", "at", "by", "stage", "case", "reason"]


@admin.register(LaneCase)
class LaneCaseAdmin(admin.ModelAdmin):
    list_display = ["number", "lane", "applicant_name", "state", "current_stage", "due_date"]
    list_filter = ["state", "lane__code"]
    search_fields = ["number", "applicant_name"]
    inlines = [ItemCaseInline, EventInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
