"""What the rating channels keep: the window tablets (评价器) paired to a window, and the invitation to rate
a concluded case that is still unrated (sent once per case)."""

from __future__ import annotations

import hashlib

from django.db import models
from django.utils.translation import gettext_lazy as _


def hash_token(token: str) -> str:
    """Tablet tokens are stored as their SHA-256: a leaked table pairs no device."""
    return hashlib.sha256(token.encode()).hexdigest()


class RatingTablet(models.Model):
    """A tablet at a window (评价器). Paired with a secret token kept in the device's cookie; only the hash is
    stored. It shows the window's last done and unrated visit."""

    window = models.ForeignKey(
        "catalog.Window", verbose_name=_("window"), on_delete=models.PROTECT, related_name="rating_tablets"
    )
    name = models.CharField(_("name"), max_length=60, blank=True)
    token_hash = models.CharField(_("token (hashed)"), max_length=64, unique=True, editable=False)
    paired_at = models.DateTimeField(_("paired at"))
    last_seen_at = models.DateTimeField(_("last seen at"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["window", "pk"]
        verbose_name = _("window rating tablet")
        verbose_name_plural = _("window rating tablets")

    def __str__(self) -> str:
        return f"{self.window} {self.name}".strip()


class RatingInvitation(models.Model):
    """The invitation to rate a concluded case, written once per case (the unique case); sent_at is claimed
    by compare-and-swap by the worker that writes the inbox messages and the text."""

    case = models.OneToOneField(
        "cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="rating_invitation"
    )
    created_at = models.DateTimeField(_("created at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    recipients = models.PositiveSmallIntegerField(_("accounts told"), default=0)
    texts = models.PositiveSmallIntegerField(_("texts queued"), default=0)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation to rate")
        verbose_name_plural = _("invitations to rate")

    def __str__(self) -> str:
        return str(self.case_id)
