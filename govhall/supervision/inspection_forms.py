"""Forms of the on-site inspection pages (govhall.supervision.inspections)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from govhall.supervision import inspections
from govhall.supervision.models import InspectionState


class AssignForm(forms.Form):
    kind = forms.ChoiceField(label=_("What to inspect"))
    reference = forms.CharField(
        label=_("Ticket number or hall code"),
        max_length=40,
        help_text=_("e.g. 12345 ticket number, or a hall's code"),
    )
    inspector = forms.ModelChoiceField(inspections.inspectors(), label=_("Inspector"), empty_label=None)
    instruction = forms.CharField(
        label=_("What to check"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
    due_date = forms.DateField(
        label=_("Inspect by"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: in 3 working days"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k.kind, k.label) for k in inspections.kinds()]
        self.fields["inspector"].queryset = inspections.inspectors()
        self.fields["due_date"].help_text = _("Empty: in %(n)s working days") % {
            "n": inspections.default_days()
        }


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class FindingsForm(VersionForm):
    findings = forms.CharField(
        label=_("Findings"), widget=forms.Textarea(attrs={"rows": 5}), max_length=4000, required=False
    )


class PhotoForm(VersionForm):
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        help_text=_("JPEG, PNG or WebP, at most 10 MB; the place and device data (EXIF) are removed."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp", "capture": "environment"}
        ),
    )


class VerdictForm(VersionForm):
    verdict = forms.ChoiceField(
        label=_("Verdict"),
        widget=forms.RadioSelect,
        choices=[
            (InspectionState.DONE, _("Done: the reply (or service) is as stated")),
            (InspectionState.NOT_DONE, _("Not done: send it back to be redone")),
        ],
    )


class CancelForm(VersionForm):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000, required=False
    )
