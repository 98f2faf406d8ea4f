"""The operator's desk: an incoming call announced by the telephony (CTI) for one operator.

Telephony stays outside govhall: it POSTs the caller's number to /api/v1/hotline/cti/incoming-call when a
call rings at an operator's seat, and the operator's workbench (polling a tiny fragment) shows the number
with the caller's earlier tickets. A row, not the cache: it survives a restart and is what a test reads."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class IncomingCall(models.Model):
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("operator"), on_delete=models.CASCADE, related_name="+"
    )
    phone = models.CharField(_("caller's phone"), max_length=20)
    extension = models.CharField(_("extension"), max_length=20, blank=True)
    # The telephony's own id of the call, kept for matching its records.
    call_id = models.CharField(_("call id"), max_length=64, blank=True)
    rang_at = models.DateTimeField(_("rang at"))

    class Meta:
        ordering = ["-rang_at", "-id"]
        indexes = [models.Index(fields=["operator", "-id"], name="incoming_call_operator")]
        verbose_name = _("incoming call")
        verbose_name_plural = _("incoming calls")

    def __str__(self) -> str:
        return f"{self.operator_id} {self.phone}"
