"""Forms of the catalogue admin: the step-limit rule on the steps inline, and the import upload."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from govhall.catalog.rules import step_sum_errors


class ProcessStepFormSet(BaseInlineFormSet):
    """The steps as they will be saved may not take longer together than the item's promised limit."""

    def clean(self) -> None:
        super().clean()
        limits = [
            form.cleaned_data.get("limit_days")
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        promised = getattr(self.instance, "promised_limit", None)
        errors = step_sum_errors(promised_limit=promised, step_limits=limits)
        if errors:
            raise ValidationError([m for messages in errors.values() for m in messages])


class CatalogueUploadForm(forms.Form):
    file = forms.FileField(label=_("Catalogue workbook (.xlsx)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise ValidationError(_("Upload an .xlsx workbook."))
        return upload
