"""Admin of the portal's remote help sessions (远程帮办): to look them up, with their moves, the draft's
edits and the material marks. Sessions change only through the services (API and pages): read-only here."""

from __future__ import annotations

from django.contrib import admin

from govhall.portal.models import DraftEdit, HelpEvent, HelpSession, MaterialReview


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class HelpEventInline(ReadOnlyInline):
    model = HelpEvent
    fields = ["at", "move", "from_state", "to_state", "by", "note"]
    readonly_fields = fields


class DraftEditInline(ReadOnlyInline):
    model = DraftEdit
    fields = ["at", "field", "old_value", "new_value", "author", "author_kind", "draft_version"]
    readonly_fields = fields


class MaterialReviewInline(ReadOnlyInline):
    model = MaterialReview
    fields = ["document", "acceptable", "comment", "reviewed_by", "reviewed_at"]
    readonly_fields = fields


@admin.register(HelpSession)
class HelpSessionAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "item",
        "department",
        "asker_kind",
        "hall",
        "state",
        "outcome",
        "clerk",
        "requested_at",
    ]
    list_filter = ["state", "outcome", "asker_kind", "department", "hall"]
    search_fields = ["item__name", "item__code", "asked_by__username", "clerk__username"]
    date_hierarchy = "requested_at"
    inlines = [HelpEventInline, DraftEditInline, MaterialReviewInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
