"""Admin of 好差评: the reasons (editable), the ratings (read-only: a rating is changed only by a new one),
the window tablets (pairing shows the token once) and the invitations sent."""

from __future__ import annotations

from django.contrib import admin, messages
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govhall.visits.models import Rating, RatingInvitation, RatingReason, RatingTablet
from govhall.visits.services.ratings import pair_tablet


@admin.register(RatingReason)
class RatingReasonAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "order", "is_active"]
    list_editable = ["order", "is_active"]
    search_fields = ["code", "name"]

    def has_delete_permission(self, request, obj=None) -> bool:
        # A reason already chosen stays (deactivate it instead), so the record keeps its meaning.
        return super().has_delete_permission(request, obj) and (obj is None or not obj.ratings.exists())


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Rating)
class RatingAdmin(ReadOnlyAdmin):
    list_display = [
        "rated_at",
        "rated",
        "case",
        "visit",
        "level",
        "channel",
        "department",
        "is_current",
        "counts",
    ]
    list_filter = ["rated", "level", "channel", "is_current", "counts", "department"]
    search_fields = ["case__number", "visit__number", "comment", "rater_phone"]
    date_hierarchy = "rated_at"
    list_select_related = ["case", "visit", "department"]


@admin.register(RatingInvitation)
class RatingInvitationAdmin(ReadOnlyAdmin):
    list_display = ["case", "created_at", "sent_at", "recipients", "texts"]
    search_fields = ["case__number"]


@admin.register(RatingTablet)
class RatingTabletAdmin(admin.ModelAdmin):
    list_display = ["window", "name", "paired_at", "last_seen_at", "is_active"]
    list_filter = ["is_active"]
    fields = ["window", "name", "is_active", "paired_at", "last_seen_at"]
    readonly_fields = ["paired_at", "last_seen_at"]
    autocomplete_fields = ["window"]

    def save_model(self, request, obj, form, change) -> None:
        if change:
            return super().save_model(request, obj, form, change)
        tablet, token = pair_tablet(window=obj.window, name=obj.name, now=timezone.now())
        obj.pk, obj.token_hash, obj.paired_at = tablet.pk, tablet.token_hash, tablet.paired_at
        url = request.build_absolute_uri(reverse("visits:tablet-pair", args=[token]))
        messages.warning(
            request,
            _("Open this address once on the tablet to pair it (it is shown only now): %(url)s")
            % {"url": url},
        )
