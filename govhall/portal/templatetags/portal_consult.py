"""{% published_consultations item_code as rows %}: the published Q&A of an item, for the guide page."""

from __future__ import annotations

from django import template

from govhall.portal.consult import published_for

register = template.Library()


@register.simple_tag
def published_consultations(item_code: str) -> list[dict]:
    return published_for(item_code or "")
