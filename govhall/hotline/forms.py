"""The forms of the hotline's staff pages. Fields are mostly not required here: the services say what is
missing or wrong, naming the field and the rule, so that the page and the API give the same message."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from govhall.catalog.models import Department
from govhall.core import inputs
from govhall.hotline.models import Area, CallbackOutcome, RequestType, ReturnReason, Urgency


def _blank(choices) -> list:
    return [("", "—"), *choices]


class CallForm(forms.Form):
    """The operator's call form, in the order of a call: number, what kind of request, what about, where."""

    caller_phone = forms.CharField(
        label=_("Caller's phone"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off", "autofocus": True}),
    )
    caller_name = forms.CharField(label=_("Caller's name"), required=False, max_length=60)
    request_type = forms.ChoiceField(
        label=_("Request type"), choices=RequestType.choices, widget=forms.RadioSelect, required=False
    )
    subject = forms.CharField(
        label=_("Subject code"),
        required=False,
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL, widget=forms.RadioSelect
    )
    title = forms.CharField(label=_("Title"), required=False, max_length=120)
    content = forms.CharField(
        max_length=inputs.TEXT_MAX,
        label=_("What the caller asks"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    address = forms.CharField(label=_("Address"), required=False, max_length=200)
    area = forms.ChoiceField(label=_("Area"), required=False)
    lat = forms.CharField(label=_("Latitude"), required=False, max_length=20)
    lon = forms.CharField(label=_("Longitude"), required=False, max_length=20)
    anonymous = forms.BooleanField(label=_("Anonymous"), required=False)
    confidential = forms.BooleanField(label=_("Confidential (units never see the caller)"), required=False)
    publish_allowed = forms.BooleanField(label=_("May be published"), required=False)
    answer = forms.CharField(
        max_length=inputs.TEXT_MAX,
        label=_("Answer given during the call"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    lead_unit = forms.ChoiceField(label=_("Lead unit (override)"), required=False)
    co_units = forms.MultipleChoiceField(
        label=_("Co-units (override)"), required=False, widget=forms.SelectMultiple(attrs={"size": 4})
    )
    override_reason = forms.CharField(label=_("Reason for the override"), required=False, max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = _blank([(a.code, a.name) for a in Area.objects.all()])
        units = [(d.code, d.name) for d in Department.objects.order_by("code")]
        self.fields["lead_unit"].choices = [("", _("As the catalogue suggests")), *units]
        self.fields["co_units"].choices = units


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class DispatchForm(VersionForm):
    lead_unit = forms.ChoiceField(label=_("Lead unit (override)"), required=False)
    co_units = forms.MultipleChoiceField(
        label=_("Co-units (override)"), required=False, widget=forms.SelectMultiple(attrs={"size": 4})
    )
    override_reason = forms.CharField(label=_("Reason for the override"), required=False, max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        units = [(d.code, d.name) for d in Department.objects.order_by("code")]
        self.fields["lead_unit"].choices = [("", _("As the catalogue suggests")), *units]
        self.fields["co_units"].choices = units


class DecideReturnForm(VersionForm):
    dispatch = forms.IntegerField(widget=forms.HiddenInput)
    accept = forms.ChoiceField(
        label=_("Decision"),
        choices=[("yes", _("Accept the return")), ("no", _("Reject the return"))],
        widget=forms.RadioSelect,
    )
    new_unit = forms.ChoiceField(label=_("Re-dispatch to"), required=False)
    note = forms.CharField(
        max_length=inputs.TEXT_MAX, label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        units = [(d.code, d.name) for d in Department.objects.order_by("code")]
        self.fields["new_unit"].choices = [("", _("As the catalogue suggests")), *units]


class DecideExtensionForm(VersionForm):
    request = forms.IntegerField(widget=forms.HiddenInput)
    approve = forms.ChoiceField(
        label=_("Decision"),
        choices=[("yes", _("Approve the extension")), ("no", _("Refuse the extension"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        max_length=inputs.TEXT_MAX, label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CallbackForm(VersionForm):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=_blank(CallbackOutcome.choices), required=False)
    solved = forms.ChoiceField(
        label=_("Was it solved?"),
        choices=[("", _("Not asked")), ("yes", _("Solved")), ("no", _("Not solved"))],
        required=False,
    )
    note = forms.CharField(
        max_length=inputs.TEXT_MAX, label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReviewForm(VersionForm):
    uphold = forms.ChoiceField(
        label=_("Finding"),
        choices=[
            ("yes", _("Dissatisfaction upheld: send back to be redone")),
            ("no", _("Not upheld: close")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        max_length=inputs.TEXT_MAX,
        label=_("Reasons of the finding"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RepeatCallForm(VersionForm):
    note = forms.CharField(
        max_length=inputs.TEXT_MAX,
        label=_("What the caller said this time"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MergeForm(VersionForm):
    master = forms.CharField(label=_("Master ticket (number)"), required=False, max_length=30)
    note = forms.CharField(
        max_length=inputs.TEXT_MAX, label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class UnmergeForm(VersionForm):
    note = forms.CharField(
        max_length=inputs.TEXT_MAX,
        label=_("Why the link is undone"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


# The unit's moves.


class SignForm(VersionForm):
    pass


class ReturnForm(VersionForm):
    reason_code = forms.ChoiceField(label=_("Reason of the return"), required=False)
    rule = forms.CharField(label=_("Rule relied on"), required=False, max_length=300)
    note = forms.CharField(
        max_length=inputs.TEXT_MAX,
        label=_("Explanation of the return"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        reasons = ReturnReason.objects.filter(is_active=True).order_by("code")
        self.fields["reason_code"].choices = _blank([(r.code, f"{r.code} {r.name}") for r in reasons])


class ExtensionForm(VersionForm):
    workdays = forms.IntegerField(label=_("Working days asked for"), required=False, min_value=1)
    reason = forms.CharField(
        max_length=inputs.TEXT_MAX,
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ContributeForm(VersionForm):
    text = forms.CharField(
        max_length=inputs.TEXT_MAX,
        label=_("Contribution to the reply"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReplyForm(VersionForm):
    reply = forms.CharField(
        max_length=inputs.TEXT_MAX, label=_("Reply"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    basis = forms.CharField(
        max_length=inputs.TEXT_MAX,
        label=_("Legal basis of the reply"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RevealForm(forms.Form):
    field = forms.ChoiceField(
        label=_("Reveal"), choices=[("phone", _("Full phone number")), ("name", _("Full name"))]
    )
    reason = forms.CharField(label=_("Why you need it"), required=False, max_length=300)
