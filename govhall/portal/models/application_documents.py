"""The files of a draft application, one per material slot, kept until the draft is submitted (then they
become the case's documents) or removed."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


def draft_file_path(instance: ApplicationDocument, filename: str) -> str:
    """By month of upload, under a random name (never the applicant's)."""
    return f"drafts/{instance.uploaded_at:%Y/%m}/{instance.application_id}/{filename}"


class ApplicationDocument(models.Model):
    application = models.ForeignKey(
        "portal.Application",
        verbose_name=_("online application"),
        on_delete=models.CASCADE,
        related_name="documents",
    )
    material = models.ForeignKey(
        "catalog.Material", verbose_name=_("material"), on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(_("file"), upload_to=draft_file_path, max_length=300)
    name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"))
    # After a return for correction: uploaded for the correction (handed to the case as a supplement).
    for_correction = models.BooleanField(_("uploaded for the correction"), default=False)
    sent_to_case = models.BooleanField(_("sent to the case"), default=False)

    class Meta:
        ordering = ["application", "material__position", "uploaded_at", "id"]
        verbose_name = _("application document")
        verbose_name_plural = _("application documents")

    def __str__(self) -> str:
        return self.name
