"""Figures as the statistics pages show them: — for no value, rates with one decimal and %."""

from __future__ import annotations

from urllib.parse import urlencode

from django import template

register = template.Library()


@register.filter
def figure(value, kind: str = "num") -> str:
    if value is None or value == "":
        return "—"
    if kind == "rate":
        return f"{value:.1f} %"
    if kind == "num" and isinstance(value, float):
        return f"{value:g}" if value == int(value) else f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


@register.filter
def urlencode_dict(params: dict) -> str:
    return urlencode(params)
