"""{% booking_button item %}: the guide's "预约办理" button when a group serves the item (part visit)."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from govhall.visits.models import WindowGroup

register = template.Library()


@register.simple_tag
def booking_button(item) -> str:
    if item is None or not WindowGroup.objects.filter(is_active=True, items__code=item.code).exists():
        return ""
    return format_html(
        '<p><a class="button button--secondary" href="{}" data-test="book-visit">{}</a></p>',
        reverse("visits:book", args=[item.code]),
        _("Book an appointment"),
    )
