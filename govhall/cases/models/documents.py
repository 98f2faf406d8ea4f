"""Documents attached to a case: scans of the materials, results, letters. Kept like the audit trail.

A document is never changed or removed by the application (the case file is a legal record): a wrong
upload stays, and the right one is added beside it. Each upload is also a case event.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from govhall.cases.models.case import Case, CaseMaterial


def document_path(instance: CaseDocument, filename: str) -> str:
    """Where the file lies in the storage: by month of upload, under a random name (never the user's)."""
    return f"cases/{instance.uploaded_at:%Y/%m}/{instance.case_id}/{filename}"


class CaseDocument(models.Model):
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="documents")
    material = models.ForeignKey(
        CaseMaterial,
        verbose_name=_("material"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        help_text=_("The material of the case this document is a scan of, if any"),
    )
    file = models.FileField(_("file"), upload_to=document_path, max_length=300)
    name = models.CharField(
        _("file name"), max_length=255, help_text=_("The name the file was uploaded with")
    )
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    note = models.CharField(_("note"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        ordering = ["case", "uploaded_at", "id"]
        verbose_name = _("case document")
        verbose_name_plural = _("case documents")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.name}"
