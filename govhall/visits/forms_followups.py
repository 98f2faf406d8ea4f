"""The forms of the follow-up's moves. Fields are not required here: the services say what is missing,
naming the rule, so that the page and the API give the same message."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from govhall.core import inputs
from govhall.visits.models.followups import AppealDecision, Finding, RaterView


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


def _blank(choices) -> list:
    return [("", "—"), *choices]


class VerifyForm(VersionForm):
    called_back_at = forms.DateTimeField(
        label=_("Called back at"),
        required=False,
        help_text=_("Leave empty if the call was just now."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    finding = forms.ChoiceField(label=_("Finding"), choices=_blank(Finding.choices), required=False)
    explanation = forms.CharField(
        max_length=inputs.TEXT_MAX,
        label=_("Explanation of the finding"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RectifyForm(VersionForm):
    rectification = forms.CharField(
        max_length=inputs.TEXT_MAX,
        label=_("Rectification"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReportBackForm(VersionForm):
    rater_view = forms.ChoiceField(
        label=_("Rater's view of the rectification"), choices=_blank(RaterView.choices), required=False
    )
    note = forms.CharField(
        max_length=inputs.TEXT_MAX, label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AppealForm(VersionForm):
    grounds = forms.CharField(
        max_length=inputs.TEXT_MAX,
        label=_("Grounds of the appeal"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DecideAppealForm(VersionForm):
    decision = forms.ChoiceField(label=_("Decision"), choices=_blank(AppealDecision.choices), required=False)
    note = forms.CharField(
        max_length=inputs.TEXT_MAX,
        label=_("Reasons of the decision"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
