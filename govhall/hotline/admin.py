"""Back office of the 12345 hotline: the reference tables (subjects, areas, return reasons), the versioned
dispatch catalogue and time limits, and read-only views of the tickets and Open311 keys.

A catalogue or a limit policy in force is what tickets were dispatched under, so it cannot be changed:
copy it as a new draft version ("Copy as a new draft"), edit the draft, and set its "in force from".
Tickets change only through the hotline's services (its pages and API); here they are read."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govhall.hotline.models import (
    Area,
    CallbackAttempt,
    Dispatch,
    DispatchCatalogue,
    DispatchRule,
    ExtensionRequest,
    KnowledgeCategory,
    KnowledgeEntry,
    Limit,
    LimitPolicy,
    Open311Key,
    ReturnReason,
    Subject,
    Ticket,
    TicketEvent,
)


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


# --- reference tables -----------------------------------------------------------------------------------


@admin.register(Subject)
class SubjectAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "is_public", "is_active"]
    list_filter = ["level", "is_public", "is_active"]
    search_fields = ["code", "name"]
    ordering = ["code"]
    fields = ["code", "name", "parent", "level", "is_public", "is_active", "description", "attributes"]

    def get_readonly_fields(self, request, obj=None):
        # The code, parent and level make the tree: load a code list (govhall hotline subjects load) to
        # change it; a code in use is marked not in use rather than deleted.
        return ["code", "parent", "level"] if obj else ["parent", "level"]

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj.level = max(1, len(obj.code) // 2)
            obj.parent = Subject.objects.filter(code=obj.code[:-2]).first() if len(obj.code) > 2 else None
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None) -> bool:
        return obj is None or not (obj.tickets.exists() or obj.children.exists())


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "sort_order"]
    search_fields = ["code", "name"]


@admin.register(ReturnReason)
class ReturnReasonAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "is_active"]
    list_filter = ["is_active"]


# --- versioned configuration ----------------------------------------------------------------------------


def _in_force(obj) -> bool:
    return obj is not None and obj.in_force_from is not None and obj.in_force_from <= timezone.now()


class VersionedAdmin(admin.ModelAdmin):
    """A version is edited until it is in force; then it is kept as it was."""

    list_display = ["version", "in_force_from", "note", "created_at"]
    readonly_fields = ["version", "created_at"]
    actions = ["copy_as_draft"]

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and not _in_force(obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and not _in_force(obj) and not self._used(obj)

    def _used(self, obj) -> bool:
        return obj is not None and Ticket.objects.filter(**{self.ticket_field: obj}).exists()

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj.version = (type(obj).objects.aggregate(v=Max("version"))["v"] or 0) + 1
            obj.created_at = timezone.now()
            if hasattr(obj, "created_by_id"):
                obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Copy as a new draft version"))
    def copy_as_draft(self, request, queryset) -> None:
        for obj in queryset.order_by("version"):
            with transaction.atomic():
                copy = self.copy(obj, by=request.user)
            self.message_user(
                request,
                _("Version %(old)s copied as draft version %(new)s.")
                % {"old": obj.version, "new": copy.version},
                messages.SUCCESS,
            )


@admin.register(DispatchCatalogue)
class DispatchCatalogueAdmin(VersionedAdmin):
    list_display = [*VersionedAdmin.list_display, "fallback_unit"]
    readonly_fields = [*VersionedAdmin.readonly_fields, "created_by"]
    fields = ["version", "in_force_from", "note", "fallback_unit", "created_at", "created_by"]
    autocomplete_fields = ["fallback_unit"]
    ticket_field = "catalogue"

    def get_inlines(self, request, obj):
        return [DispatchRuleInline]

    @staticmethod
    def copy(obj: DispatchCatalogue, *, by) -> DispatchCatalogue:
        version = (DispatchCatalogue.objects.aggregate(v=Max("version"))["v"] or 0) + 1
        copy = DispatchCatalogue.objects.create(
            version=version,
            note=obj.note,
            fallback_unit=obj.fallback_unit,
            created_at=timezone.now(),
            created_by=by,
        )
        for rule in obj.rules.all():
            made = DispatchRule.objects.create(
                catalogue=copy,
                subject_id=rule.subject_id,
                area_id=rule.area_id,
                lead_unit_id=rule.lead_unit_id,
                fallback_unit_id=rule.fallback_unit_id,
            )
            made.co_units.set(rule.co_units.all())
        return copy


class DispatchRuleInline(admin.TabularInline):
    model = DispatchRule
    extra = 0
    fields = ["subject", "area", "lead_unit", "co_units", "fallback_unit"]
    autocomplete_fields = ["subject", "area", "lead_unit", "co_units", "fallback_unit"]


@admin.register(LimitPolicy)
class LimitPolicyAdmin(VersionedAdmin):
    fields = ["version", "in_force_from", "note", "created_at"]
    inlines = []
    ticket_field = "limit_policy"

    def get_inlines(self, request, obj):
        return [LimitInline]

    @staticmethod
    def copy(obj: LimitPolicy, *, by) -> LimitPolicy:
        version = (LimitPolicy.objects.aggregate(v=Max("version"))["v"] or 0) + 1
        copy = LimitPolicy.objects.create(version=version, note=obj.note, created_at=timezone.now())
        limits = list(obj.limits.all())
        for limit in limits:
            limit.pk, limit.policy = None, copy
        Limit.objects.bulk_create(limits)
        return copy


class LimitInline(admin.TabularInline):
    model = Limit
    extra = 0
    fields = ["request_type", "urgency", "sign_hours", "handle_workdays", "handle_hours", "return_workdays"]


# --- tickets (read-mostly) ------------------------------------------------------------------------------


class DispatchInline(ReadOnlyInline):
    model = Dispatch
    fields = ["round", "role", "unit", "state", "dispatched_at", "signed_at", "handle_due_at", "done_at"]
    readonly_fields = fields


class TicketEventInline(ReadOnlyInline):
    model = TicketEvent
    fields = ["at", "move", "from_state", "to_state", "by", "dispatch", "note"]
    readonly_fields = fields


class CallbackAttemptInline(ReadOnlyInline):
    model = CallbackAttempt
    fields = ["round", "at", "by", "outcome", "solved", "note"]
    readonly_fields = fields


@admin.register(Ticket)
class TicketAdmin(ReadOnly):
    list_display = ["number", "received_at", "channel", "request_type", "subject", "area", "state", "closure"]
    list_filter = ["state", "channel", "request_type", "urgency", "closure", "area"]
    search_fields = ["number", "title", "address"]
    date_hierarchy = "received_at"
    list_select_related = ["subject", "area"]
    # The caller's name and phone are not shown here: the ticket pages mask them and log each reveal.
    exclude = ["caller_name", "caller_phone"]
    inlines = [DispatchInline, TicketEventInline, CallbackAttemptInline]

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.is_staff and super().has_view_permission(request, obj)


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(ReadOnly):
    list_display = ["dispatch", "workdays", "state", "requested_at", "decided_at"]
    list_filter = ["state"]


@admin.register(Open311Key)
class Open311KeyAdmin(ReadOnly):
    list_display = ["name", "created_at", "revoked_at"]
    fields = ["name", "created_at", "revoked_at"]


# --- the knowledge base: the category tree is configured here; entries change only through the services ---


@admin.register(KnowledgeCategory)
class KnowledgeCategoryAdmin(admin.ModelAdmin):
    """The configured tree of the knowledge base: an entry sits on a leaf; `path` is what people and the
    XLSX import name (the names from the root, joined by "/")."""

    list_display = ["code", "path", "parent"]
    search_fields = ["code", "name", "path"]
    autocomplete_fields = ["parent"]


@admin.register(KnowledgeEntry)
class KnowledgeEntryAdmin(ReadOnly):
    list_display = ["title", "owner", "category", "published", "pending", "changed_at"]
    list_select_related = ["owner", "category", "published", "pending"]
    search_fields = ["title"]
