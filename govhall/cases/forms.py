"""Forms of the workbench pages. They parse input only; the rules are the services' and their
ValidationError is put back on the form field it names (`add_service_errors`)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from govhall.cases.models import (
    ApplicantKind,
    CaseKind,
    CaseState,
    Channel,
    Decision,
    DeliveryMethod,
    IdType,
    StepOutcome,
    SuspensionKind,
)
from govhall.catalog.models import ServiceItem
from govhall.core import inputs

DATE_INPUT = forms.DateInput(attrs={"type": "date"})


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put each message of a service's ValidationError next to the field it names (or on top)."""
    errors = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
    for field, messages in errors.items():
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, message)


class SearchForm(forms.Form):
    q = forms.CharField(
        max_length=200,
        label=_("Number, applicant, ID or phone"),
        required=False,
        widget=forms.TextInput(
            attrs={"placeholder": _("Case number, name, ID number, credit code or phone")}
        ),
    )
    item = forms.CharField(max_length=200, label=_("Item code"), required=False)
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("Any state")), *CaseState.choices]
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Any kind")), *CaseKind.choices]
    )
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("Any channel")), *Channel.choices]
    )
    date_from = forms.DateField(label=_("Received from"), required=False, widget=DATE_INPUT)
    date_to = forms.DateField(label=_("Received until"), required=False, widget=DATE_INPUT)
    after = forms.CharField(max_length=200, required=False, widget=forms.HiddenInput)


class IntakeForm(forms.Form):
    """The clerk's one screen: item, applicant, materials, and what happens to the application."""

    ACCEPT = "accept"
    REJECT = "reject"
    NOTICE = "notice"
    DECISIONS = [
        (ACCEPT, _("Receive and accept")),
        (NOTICE, _("Receive and issue the one-time notice")),
        (REJECT, _("Receive and do not accept")),
    ]

    item = forms.ModelChoiceField(
        label=_("Service item"),
        queryset=ServiceItem.objects.filter(status="published"),
        widget=forms.HiddenInput,
        error_messages={"required": _("Find and choose the service item first.")},
    )
    applicant_kind = forms.ChoiceField(
        label=_("Applicant kind"),
        choices=ApplicantKind.choices,
        initial=ApplicantKind.PERSON,
        widget=forms.RadioSelect,
    )
    applicant_name = forms.CharField(label=_("Applicant name"), max_length=200, required=False)
    id_type = forms.ChoiceField(
        label=_("ID document type"), choices=IdType.choices, initial=IdType.RESIDENT_ID, required=False
    )
    id_number = forms.CharField(label=_("ID document number"), max_length=40, required=False)
    credit_code = forms.CharField(label=_("Unified social credit code"), max_length=18, required=False)
    legal_representative = forms.CharField(label=_("Legal representative"), max_length=100, required=False)
    contact_name = forms.CharField(label=_("Contact person"), max_length=100, required=False)
    phone = forms.CharField(label=_("Contact phone"), max_length=30, required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    materials = forms.TypedMultipleChoiceField(
        label=_("Materials handed in"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    decision = forms.ChoiceField(
        label=_("Decision"), choices=DECISIONS, initial=ACCEPT, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        max_length=inputs.TEXT_MAX,
        label=_("Reason for non-acceptance"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    missing = forms.TypedMultipleChoiceField(
        label=_("Missing materials for the one-time notice"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        max_length=inputs.TEXT_MAX,
        label=_("Corrections needed (one-time notice)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, item: ServiceItem | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.chosen_item = item
        choices = [(m.pk, m.name) for m in item.materials.all()] if item else []
        self.fields["materials"].choices = choices
        self.fields["missing"].choices = choices

    def chosen_materials(self) -> list:
        """The item's materials with what the form says about each, for the materials table."""
        if self.chosen_item is None:
            return []
        received = {str(v) for v in (self["materials"].value() or [])}
        missing = {str(v) for v in (self["missing"].value() or [])}
        return [
            {"material": m, "received": str(m.pk) in received, "missing": str(m.pk) in missing}
            for m in self.chosen_item.materials.all()
        ]


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ReasonForm(VersionForm):
    reason = forms.CharField(
        max_length=inputs.TEXT_MAX,
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SupplementRequestForm(VersionForm):
    missing = forms.TypedMultipleChoiceField(
        label=_("Missing materials"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(
        max_length=inputs.TEXT_MAX,
        label=_("Corrections needed"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, case=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if case is not None:
            rows = case.materials.select_related("material").filter(received=False)
            self.fields["missing"].choices = [(r.material_id, r.material.name) for r in rows]
            if not self.is_bound:
                self.initial["missing"] = [r.material_id for r in rows if r.material.required]


class SupplementReceivedForm(VersionForm):
    materials = forms.TypedMultipleChoiceField(
        label=_("Materials now handed in"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, case=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if case is not None:
            rows = case.materials.select_related("material").filter(received=False)
            self.fields["materials"].choices = [(r.material_id, r.material.name) for r in rows]


class DeliverForm(VersionForm):
    method = forms.ChoiceField(label=_("Delivery method"), choices=DeliveryMethod.choices)


class StepForm(VersionForm):
    step = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=StepOutcome.choices, initial=StepOutcome.APPROVE, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        max_length=inputs.TEXT_MAX,
        label=_("Opinion (required when returning)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ConcludeForm(VersionForm):
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect)
    text = forms.CharField(
        max_length=inputs.LONG_TEXT_MAX,
        label=_("Decision text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SuspendForm(VersionForm):
    kind = forms.ChoiceField(label=_("Special procedure"), choices=SuspensionKind.choices)
    expected_days = forms.IntegerField(label=_("Expected working days"), min_value=0, initial=5)
    reason = forms.CharField(
        max_length=inputs.TEXT_MAX,
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ExtensionForm(VersionForm):
    days = forms.IntegerField(label=_("Working days"), min_value=0, initial=10)
    reason = forms.CharField(
        max_length=inputs.TEXT_MAX,
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DecideExtensionForm(VersionForm):
    approve = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Approve the extension")), ("0", _("Refuse the extension"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        max_length=inputs.TEXT_MAX,
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class NoteForm(VersionForm):
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class AnswerForm(VersionForm):
    answer = forms.CharField(
        max_length=inputs.TEXT_MAX,
        label=_("Answer"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PublishForm(VersionForm):
    """The department's edited question and answer for the item's guide page."""

    question = forms.CharField(
        max_length=inputs.TEXT_MAX,
        label=_("Published question"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    answer = forms.CharField(
        max_length=inputs.TEXT_MAX,
        label=_("Published answer"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class OutreachForm(forms.Form):
    """Questions taken at an outreach event, one per line: question | item code | phone | name | answer."""

    event_place = forms.CharField(label=_("Event place"), max_length=200, required=False)
    event_date = forms.DateField(
        label=_("Event date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    rows = forms.CharField(
        max_length=inputs.LONG_TEXT_MAX,
        label=_("Questions, one per line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("question | item code | phone | name | answer — only the question is required."),
    )

    def parsed_rows(self) -> list[dict]:
        keys = ("question", "item", "phone", "name", "answer")
        rows = []
        for line in (self.cleaned_data.get("rows") or "").splitlines():
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            rows.append(dict(zip(keys, parts + [""] * (len(keys) - len(parts)), strict=False)))
        return rows
