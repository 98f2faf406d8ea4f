"""Admin of the visit (part visit): window groups, slot templates, slots, bookings and visits. Visits and
bookings change only through the services (the window page, the kiosk, the portal): read-only here."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from govhall.visits.models import Booking, Slot, SlotTemplate, Visit, WindowGroup
from govhall.visits.services.visit import generate_slots


class SlotTemplateInline(admin.TabularInline):
    model = SlotTemplate
    extra = 0
    fields = ["weekday", "start", "end", "capacity", "kind", "item", "is_active"]
    autocomplete_fields = ["item"]


@admin.register(WindowGroup)
class WindowGroupAdmin(admin.ModelAdmin):
    list_display = ["hall", "code", "name", "service_minutes", "is_active"]
    list_filter = ["hall", "is_active"]
    search_fields = ["code", "name", "hall__name"]
    filter_horizontal = ["windows", "items"]
    inlines = [SlotTemplateInline]


@admin.register(SlotTemplate)
class SlotTemplateAdmin(admin.ModelAdmin):
    list_display = ["group", "weekday", "start", "end", "capacity", "kind", "item", "is_active"]
    list_filter = ["group__hall", "kind", "weekday", "is_active"]
    autocomplete_fields = ["item"]
    actions = ["generate"]

    @admin.action(description=_("Generate the slots of the coming days (working days only)"))
    def generate(self, request, queryset) -> None:
        now = timezone.now()
        n = generate_slots(start=timezone.localdate(now), days=settings.GOVHALL_SLOT_DAYS_AHEAD, now=now)
        self.message_user(
            request, ngettext("%(n)d slot created.", "%(n)d slots created.", n) % {"n": n}, messages.SUCCESS
        )


@admin.register(Slot)
class SlotAdmin(admin.ModelAdmin):
    list_display = ["day", "start_at", "end_at", "group", "item", "kind", "capacity", "booked"]
    list_filter = ["group__hall", "kind", "day"]
    date_hierarchy = "day"
    readonly_fields = ["booked", "template"]
    autocomplete_fields = ["item"]


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = ["code", "slot", "person", "item", "state", "booked_at"]
    list_filter = ["state", "slot__group__hall"]
    search_fields = ["code", "person__username"]
    readonly_fields = [f.name for f in Booking._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    list_display = [
        "day",
        "number",
        "hall",
        "group",
        "state",
        "source",
        "window",
        "clerk",
        "ticket_at",
        "ended_at",
    ]
    list_filter = ["state", "source", "hall", "day"]
    search_fields = ["number", "case__number"]
    date_hierarchy = "day"
    readonly_fields = [f.name for f in Visit._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
