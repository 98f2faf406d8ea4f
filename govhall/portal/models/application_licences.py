"""A material of a draft filled by one of the applicant's electronic licences instead of an upload
(免提交): at submission the case's intake receives it as that licence and links it to the material."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ApplicationLicence(models.Model):
    application = models.ForeignKey(
        "portal.Application",
        verbose_name=_("online application"),
        on_delete=models.CASCADE,
        related_name="licences",
    )
    material = models.ForeignKey(
        "catalog.Material", verbose_name=_("material"), on_delete=models.PROTECT, related_name="+"
    )
    licence = models.ForeignKey(
        "cases.Licence", verbose_name=_("electronic licence"), on_delete=models.PROTECT, related_name="+"
    )
    chosen_at = models.DateTimeField(_("chosen at"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "material"], name="one_licence_per_material")
        ]
        verbose_name = _("electronic licence of an application")
        verbose_name_plural = _("electronic licences of applications")

    def __str__(self) -> str:
        return f"{self.material} ← {self.licence}"
