"""Back office: threshold rules (administrators), and read-only views of the supervision record."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from govhall.supervision import notify
from govhall.supervision.models import (
    Alert,
    Card,
    CardEvent,
    Delivery,
    LaneAlert,
    Notification,
    Order,
    OrderEvent,
    PendingFlag,
    Preference,
    ThresholdRule,
)


def _restamp() -> None:
    from govhall.supervision.tasks import restamp_open_rows

    restamp_open_rows()


@admin.register(ThresholdRule)
class ThresholdRuleAdmin(admin.ModelAdmin):
    list_display = ["__str__", "department", "item_code", "warn_days", "warn_percent", "updated_at"]
    list_filter = ["department"]
    search_fields = ["item_code", "department__name", "note"]
    autocomplete_fields = ["department"]

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        # Open steps and cases keep their stored yellow time until recomputed: do it after commit.
        transaction.on_commit(_restamp)

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        transaction.on_commit(_restamp)


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Alert)
class AlertAdmin(ReadOnly):
    list_display = ["at", "level", "case", "step", "department", "threshold_at", "by"]
    list_filter = ["level", "department"]
    date_hierarchy = "at"


@admin.register(LaneAlert)
class LaneAlertAdmin(ReadOnly):
    list_display = ["at", "level", "lane_case", "department", "threshold_at"]
    list_filter = ["level", "department"]
    date_hierarchy = "at"


@admin.register(PendingFlag)
class PendingFlagAdmin(ReadOnly):
    list_display = ["case", "kinds", "attempts", "next_try", "done_at", "last_error"]
    list_filter = ["done_at"]


class CardEventInline(admin.TabularInline):
    model = CardEvent
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "at", "by", "from_state", "to_state", "text"]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Card)
class CardAdmin(ReadOnly):
    list_display = ["pk", "kind", "rule", "department", "case", "state", "issued_at", "reply_due"]
    list_filter = ["kind", "rule", "state", "department"]
    inlines = [CardEventInline]


class OrderEventInline(CardEventInline):
    model = OrderEvent


@admin.register(Order)
class OrderAdmin(ReadOnly):
    list_display = ["pk", "department", "case", "subject", "state", "due_date", "escalation_level"]
    list_filter = ["state", "department"]
    inlines = [OrderEventInline]


@admin.register(Notification)
class NotificationAdmin(ReadOnly):
    list_display = ["created_at", "recipient", "kind", "text", "read_at"]
    list_filter = ["kind"]
    search_fields = ["recipient__username", "text"]


@admin.register(Delivery)
class DeliveryAdmin(ReadOnly):
    list_display = ["created_at", "channel", "address", "state", "attempts", "next_try", "last_error"]
    list_filter = ["state", "channel"]
    actions = ["retry"]

    @admin.action(description=_("Try the failed deliveries again"))
    def retry(self, request, queryset) -> None:
        n = notify.retry_failed(queryset, now=timezone.now())
        self.message_user(
            request,
            ngettext("%d delivery queued again.", "%d deliveries queued again.", n) % n,
            messages.SUCCESS,
        )

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser or request.user.has_perm("supervision.change_delivery")


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "email", "sms"]
    search_fields = ["user__username"]
