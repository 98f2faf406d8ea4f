"""One-time sign-in codes sent by text message. Each row is one code that was sent: the rows are also the
count that throttles requests per number and per address, so that every web process sees the same count."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SignInCode(models.Model):
    phone = models.CharField(_("mobile phone"), max_length=20)
    # HMAC of the phone and the code under the secret key: a copy of the table gives away no live code.
    code_hash = models.CharField(_("code (hashed)"), max_length=64)
    ip = models.GenericIPAddressField(_("requested from"), null=True, blank=True)
    created_at = models.DateTimeField(_("sent at"))
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    wrong_attempts = models.PositiveSmallIntegerField(_("wrong attempts"), default=0)

    class Meta:
        indexes = [
            models.Index(fields=["phone", "created_at"], name="signin_code_phone_at"),
            models.Index(fields=["ip", "created_at"], name="signin_code_ip_at"),
        ]
        verbose_name = _("sign-in code")
        verbose_name_plural = _("sign-in codes")

    def __str__(self) -> str:
        return f"{self.phone} {self.created_at:%Y-%m-%d %H:%M:%S}"
