"""Electronic licences (电子证照): the licence or certificate a concluded case issued to its holder.

The holder is named by what identifies them on a case: a person's ID number, an organisation's unified
social credit code. The row is the record; its PDF is drawn from it on every download, so there is no file
that could drift from the record.
"""

from __future__ import annotations

from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _

from govhall.cases.models.case import ApplicantKind


class Licence(models.Model):
    number = models.CharField(_("licence number"), max_length=60, unique=True)
    licence_type = models.ForeignKey(
        "catalog.LicenceType", verbose_name=_("licence type"), on_delete=models.PROTECT, related_name="+"
    )
    holder_kind = models.CharField(_("holder kind"), max_length=20, choices=ApplicantKind.choices)
    holder_name = models.CharField(_("holder"), max_length=200)
    holder_id = models.CharField(_("holder's ID number or credit code"), max_length=40, db_index=True)
    department = models.ForeignKey(
        "catalog.Department", verbose_name=_("issuing department"), on_delete=models.PROTECT, related_name="+"
    )
    case = models.OneToOneField(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="licence"
    )
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(
        _("valid until"), null=True, blank=True, help_text=_("Empty: until revoked")
    )
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)

    class Meta:
        ordering = ["-issued_on", "-id"]
        indexes = [models.Index(fields=["holder_id", "licence_type"], name="licence_holder_type")]
        verbose_name = _("electronic licence")
        verbose_name_plural = _("electronic licences")

    def __str__(self) -> str:
        return f"{self.licence_type} {self.number}"

    def is_valid_on(self, day: date) -> bool:
        if self.revoked_on is not None and self.revoked_on <= day:
            return False
        return day >= self.issued_on and (self.valid_until is None or day <= self.valid_until)
