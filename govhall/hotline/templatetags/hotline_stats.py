"""{% hotline_definitions as definitions %}: the written definitions of the hotline's figures, for the
statistics section templates (the report and the dashboard render them without the hotline's views)."""

from django import template

register = template.Library()


@register.simple_tag
def hotline_definitions() -> list[dict]:
    from govhall.hotline.stats_tables import definitions

    return definitions()
