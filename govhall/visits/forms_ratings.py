"""The rating form shared by the portal, the public rating page and the hotline operator's page. The form
only parses; the rules are the service's (govhall.visits.services.ratings), whose refusals add_service_errors
puts on the fields they name."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from govhall.visits.models import RatingLevel, RatingReason


def reason_choices() -> list[tuple[str, str]]:
    return list(RatingReason.objects.filter(is_active=True).values_list("code", "name"))


class RatingForm(forms.Form):
    level = forms.TypedChoiceField(
        label=_("How satisfied are you?"),
        choices=RatingLevel.choices,
        coerce=int,
        widget=forms.RadioSelect,
    )
    reasons = forms.MultipleChoiceField(
        label=_("What was wrong?"),
        help_text=_("Needed for 不满意 and 非常不满意: choose at least one."),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reasons"].choices = reason_choices()
        # Best first, as the citizen reads them.
        self.fields["level"].choices = sorted(RatingLevel.choices, key=lambda c: -c[0])

    def rating_values(self) -> dict:
        data = self.cleaned_data
        return {
            "level": data["level"],
            "reasons": data.get("reasons") or [],
            "comment": data.get("comment", ""),
        }


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's refusal on the form: on the field it names, or above the form."""
    errors = exc.error_dict if hasattr(exc, "error_dict") else {None: exc.error_list}
    for field, items in errors.items():
        for item in items:
            form.add_error(field if field in form.fields else None, item)
