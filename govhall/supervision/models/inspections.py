"""On-site inspections (现场督查): the centre sends an inspector to check a ticket's reply or a hall's service
on the spot. The task names its target by kind and id (supervision knows no tickets: the hotline registers
the "ticket" kind, govhall.supervision.inspections), carries a deadline with lights like every other
deadline, and ends with the inspector's verdict. Photos are re-encoded images (no EXIF) in the storage."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class InspectionState(models.TextChoices):
    PENDING = "pending", pgettext_lazy("inspection", "Waiting for the inspector")
    DONE = "done", pgettext_lazy("inspection", "Done")
    NOT_DONE = "not_done", pgettext_lazy("inspection", "Not done")
    CANCELLED = "cancelled", pgettext_lazy("inspection", "Cancelled")


class Inspection(models.Model):
    kind = models.CharField(_("target kind"), max_length=20, help_text=_("ticket or hall"))
    target_id = models.PositiveBigIntegerField(_("target id"))
    target_label = models.CharField(_("target"), max_length=200)
    unit = models.ForeignKey(
        "catalog.Department",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The unit the verdict counts for or against"),
    )
    instruction = models.TextField(_("what to check"))
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("inspector"), on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("assigned at"))
    due_date = models.DateField(_("inspect by"))
    warn_at = models.DateTimeField(_("deadline near from"), null=True, blank=True)
    due_at = models.DateTimeField(_("overdue from"), null=True, blank=True)
    alert_level = models.PositiveSmallIntegerField(_("alert level"), default=0)
    state = models.CharField(
        _("state"), max_length=10, choices=InspectionState.choices, default=InspectionState.PENDING
    )
    findings = models.TextField(_("findings"), blank=True)
    verdict_at = models.DateTimeField(_("verdict at"), null=True, blank=True)
    verdict_effect = models.CharField(
        _("effect of the verdict"), max_length=200, blank=True, help_text=_("e.g. the ticket's redo round")
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(fields=["inspector", "state"], name="inspection_inspector_state"),
            models.Index(fields=["kind", "target_id"], name="inspection_target"),
            models.Index(
                fields=["due_at"], name="inspection_open_due", condition=Q(state="pending", alert_level__lt=2)
            ),
        ]
        verbose_name = _("on-site inspection")
        verbose_name_plural = _("on-site inspections")

    def __str__(self) -> str:
        return f"#{self.pk} {self.target_label}"

    def light(self, now):
        from govhall.supervision import lights

        return lights.light_of(self, now, paused=False) if self.state == InspectionState.PENDING else None


def photo_path(instance: InspectionPhoto, filename: str) -> str:
    """By month of upload, under a random name (never the user's)."""
    return f"inspections/{instance.uploaded_at:%Y/%m}/{instance.inspection_id}/{filename}"


class InspectionPhoto(models.Model):
    """A photo taken on the spot: never changed; kept with the inspection as its evidence."""

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.PROTECT, related_name="photos"
    )
    file = models.FileField(_("file"), upload_to=photo_path, max_length=300)
    name = models.CharField(
        _("file name"), max_length=255, help_text=_("The name the file was uploaded with")
    )
    content_type = models.CharField(_("content type"), max_length=30)
    size = models.PositiveIntegerField(_("size in bytes"))
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        ordering = ["inspection", "uploaded_at", "id"]
        verbose_name = _("inspection photo")
        verbose_name_plural = _("inspection photos")

    def __str__(self) -> str:
        return f"{self.inspection_id}: {self.name}"
