"""The entry form of the unit's knowledge pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from govhall.core import inputs
from govhall.hotline.models import EntryKind, KnowledgeCategory


def leaf_choices() -> list[tuple[str, str]]:
    parents = set(KnowledgeCategory.objects.exclude(parent=None).values_list("parent_id", flat=True))
    return [("", "—")] + [
        (c.path, c.path) for c in KnowledgeCategory.objects.order_by("code") if c.pk not in parents
    ]


class EntryForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"))
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=EntryKind.choices)
    issuing_unit = forms.CharField(label=_("Issuing unit"), max_length=200)
    keywords = forms.CharField(label=_("Keywords (separated by commas)"), max_length=300, required=False)
    content = forms.CharField(
        max_length=inputs.LONG_TEXT_MAX, label=_("Content"), widget=forms.Textarea(attrs={"rows": 8})
    )
    valid_from = forms.DateField(label=_("Valid from"), widget=forms.DateInput(attrs={"type": "date"}))
    review_due = forms.DateField(label=_("Review due"), widget=forms.DateInput(attrs={"type": "date"}))
    expires_at = forms.DateField(
        label=_("Expires at"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("What changed"), max_length=300, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    source_ticket = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = leaf_choices()


class ImportForm(forms.Form):
    file = forms.FileField(label=_("XLSX workbook"))
