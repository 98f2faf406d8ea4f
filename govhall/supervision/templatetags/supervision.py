"""Template tags: the light of a step or case, and the inbox link with its unread count.

{% load supervision %}
{% light step %}            a dot and the label (green / yellow / red / paused)
{% light case short=True %} the dot only, label as tooltip
{% light lane_case %}       a lane case or a stage run (lanes), from their stored thresholds
{% inbox_link %}            in the header
"""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from govhall.supervision import lights
from govhall.supervision.queries import unread_count

register = template.Library()
PAUSED_GREY = "#8a94a6"


def light_for(row, now=None) -> str | None:
    """The light of a step or case row in memory (annotated `light` wins, else computed the same way)."""
    annotated = getattr(row, "__dict__", {}).get("light")
    if annotated:
        return annotated
    now = now or timezone.now()
    if hasattr(row, "is_lit"):  # a lane case or stage run: it says itself whether it carries a light
        return lights.light_of(row, now) if row.is_lit else None
    if hasattr(row, "paused"):  # a step
        return lights.light_of(row, now) if row.state == "active" else None
    if row.state not in lights.LIT_CASE_STATES:
        return None
    return lights.light_of(row, now, paused=row.state == "suspended")


@register.simple_tag
def light(row, short: bool = False, now=None) -> str:
    value = light_for(row, now) if row is not None else None
    if not value:
        return ""
    label = lights.LIGHT_LABELS[value]
    # Pages without the supervision styles still show the grey of a paused clock.
    style = format_html(' style="background:{}"', PAUSED_GREY) if value == lights.PAUSED else ""
    if short:
        return format_html(
            '<span class="light light--{}"{} title="{}" data-light="{}"></span>', value, style, label, value
        )
    return format_html(
        '<span class="light-label" data-light="{}">'
        '<span class="light light--{}"{} aria-hidden="true"></span>{}</span>',
        value,
        value,
        style,
        label,
    )


@register.inclusion_tag("supervision/_inbox_link.html", takes_context=True)
def inbox_link(context) -> dict:
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return {"show": False}
    return {"show": True, "count": unread_count(user), "url": reverse("supervision:inbox")}


EVENT_LABELS = {
    "issued": _("Issued"),
    "reply": _("Replied"),
    "appeal": _("Appealed"),
    "uphold": _("Upheld"),
    "revoke": _("Revoked"),
    "close": _("Closed"),
    "reopen": _("Sent back"),
    "escalated": _("Escalated"),
    "reply_overdue": _("No reply in time"),
}


ORDER_EVENT_LABELS = {**EVENT_LABELS, "issued": _("Order issued"), "close": _("Order closed")}


@register.filter
def event_label(kind: str, what: str = "card") -> str:
    return (ORDER_EVENT_LABELS if what == "order" else EVENT_LABELS).get(kind, kind)
