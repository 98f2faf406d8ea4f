"""Forms of the lane pages. The unified form itself is not a Django form: its fields are configuration,
rendered from FormField rows and checked by unified.validate (the same check the API uses)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from govhall.cases.models import SuspensionKind
from govhall.core import inputs


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class ReasonForm(VersionForm):
    reason = forms.CharField(
        max_length=inputs.TEXT_MAX, label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2})
    )


class SupplementForm(VersionForm):
    materials = forms.MultipleChoiceField(
        label=_("Materials handed in"), widget=forms.CheckboxSelectMultiple, choices=()
    )

    def __init__(self, *args, lane_case=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if lane_case is not None:
            have = set(lane_case.materials)
            self.fields["materials"].choices = [
                (m.pk, m.name) for m in lane_case.lane.materials.order_by("position") if m.pk not in have
            ]


class SuspendForm(VersionForm):
    kind = forms.ChoiceField(label=_("Special procedure"), choices=SuspensionKind.choices)
    expected_days = forms.IntegerField(label=_("Expected working days"), min_value=1)
    reason = forms.CharField(
        max_length=inputs.TEXT_MAX, label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2})
    )
