"""Forms of the supervision pages; each view passes the cleaned data to one service."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from govhall.catalog.models import Department, Hall
from govhall.core import inputs
from govhall.supervision import lights
from govhall.supervision.models import CardKind


class BoardFilterForm(forms.Form):
    department = forms.ModelChoiceField(
        Department.objects.all(), label=_("Department"), required=False, empty_label=_("All departments")
    )
    hall = forms.ModelChoiceField(
        Hall.objects.all(), label=_("Hall"), required=False, empty_label=_("All halls")
    )
    item_code = forms.CharField(label=_("Item code"), required=False, max_length=80)
    lane = forms.CharField(label=_("Fast lane"), required=False, max_length=40, widget=forms.HiddenInput)
    light = forms.ChoiceField(
        label=_("Light"),
        required=False,
        choices=[("", _("All lights")), *[(k, v) for k, v in lights.LIGHT_LABELS.items()]],
    )


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class CardForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=CardKind.choices)
    department = forms.ModelChoiceField(Department.objects.all(), label=_("Department"))
    reason = forms.CharField(
        max_length=inputs.TEXT_MAX, label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3})
    )


class ReplyCardForm(VersionForm):
    cause = forms.CharField(
        max_length=inputs.TEXT_MAX, label=_("Cause"), widget=forms.Textarea(attrs={"rows": 3})
    )
    correction = forms.CharField(
        max_length=inputs.TEXT_MAX, label=_("Correction"), widget=forms.Textarea(attrs={"rows": 3})
    )


class ReasonForm(VersionForm):
    reason = forms.CharField(
        max_length=inputs.TEXT_MAX, label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3})
    )


class OptionalReasonForm(VersionForm):
    reason = forms.CharField(
        max_length=inputs.TEXT_MAX,
        label=_("Remark"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )


class DecideAppealForm(ReasonForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("uphold", _("Uphold the card")), ("revoke", _("Revoke the card"))],
        widget=forms.RadioSelect,
    )


class OrderForm(forms.Form):
    department = forms.ModelChoiceField(Department.objects.all(), label=_("Department"))
    subject = forms.CharField(label=_("Subject"), required=False, max_length=200)
    instruction = forms.CharField(
        max_length=inputs.TEXT_MAX, label=_("Instruction"), widget=forms.Textarea(attrs={"rows": 3})
    )
    due_date = forms.DateField(label=_("Act by"), widget=forms.DateInput(attrs={"type": "date"}))


class ReplyOrderForm(VersionForm):
    reply = forms.CharField(
        max_length=inputs.TEXT_MAX, label=_("Reply"), widget=forms.Textarea(attrs={"rows": 3})
    )


class ReopenOrderForm(ReasonForm):
    due_date = forms.DateField(label=_("Act by"), widget=forms.DateInput(attrs={"type": "date"}))


class EscalateForm(forms.Form):
    note = forms.CharField(
        max_length=inputs.TEXT_MAX, label=_("Why escalate"), widget=forms.Textarea(attrs={"rows": 2})
    )


class PreferenceForm(forms.Form):
    email = forms.BooleanField(label=_("Also by e-mail"), required=False)
    sms = forms.BooleanField(label=_("Also by text message (SMS)"), required=False)
