"""Admin for cases: read-mostly. Every change goes through services.py, so nothing here edits a case;
events are read-only and never deleted."""

from __future__ import annotations

from django.contrib import admin

from govhall.cases.models import (
    Case,
    CaseEvent,
    CaseMaterial,
    Consultation,
    ExtensionRequest,
    MaterialHandover,
    Step,
    Suspension,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class MaterialInline(ReadOnlyInline):
    model = CaseMaterial
    fields = ["material", "received", "originals", "copies", "requested", "note"]


class StepInline(ReadOnlyInline):
    model = Step
    fields = ["position", "name", "department", "state", "started_on", "due_date", "finished_at", "outcome"]


class EventInline(ReadOnlyInline):
    model = CaseEvent
    fields = ["seq", "kind", "at", "by", "source", "from_state", "to_state", "reason"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = [
        "number",
        "applicant_name",
        "item",
        "kind",
        "state",
        "hall",
        "received_at",
        "promised_due",
    ]
    list_filter = ["state", "kind", "channel", "hall", "deemed_accepted"]
    search_fields = ["=number", "applicant_name", "=id_number", "=credit_code", "=phone"]
    date_hierarchy = "received_at"
    list_select_related = ["item", "hall"]
    show_full_result_count = False
    inlines = [MaterialInline, StepInline, EventInline]


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyAdmin):
    list_display = ["case", "seq", "kind", "at", "by", "source", "from_state", "to_state"]
    list_filter = ["kind"]
    search_fields = ["=case__number"]
    list_select_related = ["case", "by"]
    show_full_result_count = False


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(ReadOnlyAdmin):
    list_display = ["case", "days", "state", "requested_by", "requested_at", "decided_by", "decided_at"]
    list_filter = ["state"]


@admin.register(Suspension)
class SuspensionAdmin(ReadOnlyAdmin):
    list_display = ["case", "kind", "started_on", "expected_days", "ended_on", "counted_days"]
    list_filter = ["kind"]


@admin.register(Consultation)
class ConsultationAdmin(ReadOnlyAdmin):
    list_display = ["case", "department", "answered_by", "answered_at"]


@admin.register(MaterialHandover)
class MaterialHandoverAdmin(ReadOnlyAdmin):
    list_display = ["case", "sent_at", "sent_by", "received_at", "received_by"]
