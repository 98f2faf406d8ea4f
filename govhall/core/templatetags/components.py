"""Template tags for the two components that need Python: a form field and the error summary.

{% load components %}
{% field form.phone %}                               label, required mark, hint, errors, the widget
{% field form.phone hint=_("11 digits") label=_("Mobile") %}   a hint or label other than the form's
{% error_summary form %}                             every error of the form, each linked to its field
{% error_summary form other_form %}                  several forms on one page

The other components are plain includes: see govhall/core/templates/components/*.html, each documents
the context it takes at its top, and docs/accessibility.md.
"""

from __future__ import annotations

from django import template
from django.forms import BoundField, Form

register = template.Library()


def field_ids(bound: BoundField) -> tuple[str, str]:
    """The ids of a field's hint and error text: Django's own, so its aria-describedby agrees."""
    return f"{bound.auto_id}_helptext", f"{bound.auto_id}_error"


@register.inclusion_tag("components/field.html")
def field(bound: BoundField, hint: str = "", label: str = "", extra_class: str = "") -> dict:
    hint = hint or bound.help_text
    hint_id, error_id = field_ids(bound)
    described = [hint_id] if hint else []
    if bound.errors:
        described.append(error_id)
    attrs = {"aria-describedby": " ".join(described)} if described and not bound.use_fieldset else {}
    return {
        "field": bound,
        "label": label or bound.label,
        "hint": hint,
        "hint_id": hint_id,
        "error_id": error_id,
        "described_by": " ".join(described),
        "widget": bound.as_widget(attrs=attrs),
        "extra_class": extra_class,
    }


def named(bound: BoundField, error: str) -> str:
    """An error as the summary lists it: with the field's label unless it names the field already
    ("该字段是必填项。" alone, twice in a list, does not say which field)."""
    label = str(bound.label or "")
    return error if not label or label in error else f"{label}：{error}"


@register.inclusion_tag("components/error_summary.html")
def error_summary(*forms: Form, title: str = "") -> dict:
    errors: list[dict] = []
    for form in forms:
        if form is None or not form.is_bound:
            continue
        errors += [{"text": error, "href": ""} for error in form.non_field_errors()]
        for bound in form:
            # Radio and checkbox lists have no single input to label: link to their first choice.
            href = f"#{bound.id_for_label or bound.auto_id + '_0'}"
            errors += [{"text": named(bound, error), "href": href} for error in bound.errors]
    return {"errors": errors, "title": title}
