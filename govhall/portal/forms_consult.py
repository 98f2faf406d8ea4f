"""Forms of the online consultation pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from govhall.cases.services.consultation import QUESTION_MAX


class AskForm(forms.Form):
    question = forms.CharField(
        label=_("Your question"),
        max_length=QUESTION_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("The question is required.")},
    )
    name = forms.CharField(label=_("Your name (optional)"), max_length=100, required=False)
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=30,
        required=False,
        help_text=_("The answer is sent to this number by text message."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )


class LookupForm(forms.Form):
    number = forms.CharField(label=_("Reference number"), max_length=40)
    code = forms.CharField(label=_("Verification code"), max_length=8)
