"""Forms of the account pages: they only render and carry the input; the services check it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from govhall.cases.models import IdType


class SignInForm(forms.Form):
    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    code = forms.CharField(
        label=_("Code from the text message"),
        max_length=6,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class RealNameForm(forms.Form):
    real_name = forms.CharField(label=_("Real name"), max_length=100, required=False)
    id_type = forms.ChoiceField(label=_("ID document type"), choices=IdType.choices)
    id_number = forms.CharField(label=_("ID document number"), max_length=40, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class CompanyForm(forms.Form):
    name = forms.CharField(label=_("Company name"), max_length=200, required=False)
    credit_code = forms.CharField(label=_("Unified social credit code"), max_length=18, required=False)
    legal_representative = forms.CharField(label=_("Legal representative"), max_length=100, required=False)


class StaffForm(forms.Form):
    phone = forms.CharField(
        label=_("Staff member's mobile number"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off", "inputmode": "tel"}),
    )
