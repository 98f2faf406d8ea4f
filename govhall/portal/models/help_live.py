"""The live channel of a remote help session: the text chat (a record, append-only like the session's
moves) and the WebRTC signalling messages (offers, answers, ICE candidates: no record, kept a few
minutes for the other side to fetch, then deleted)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from govhall.portal.models.help import AuthorKind, HelpSession
from govhall.supervision.models.base import AppendOnly


class HelpMessage(AppendOnly):
    """One line of the session's text chat: who wrote it (and as whom), when."""

    session = models.ForeignKey(
        HelpSession, verbose_name=_("remote help session"), on_delete=models.PROTECT, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    author_kind = models.CharField(_("author (kind)"), max_length=20, choices=AuthorKind.choices)
    text = models.TextField(_("text"))
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["session", "id"]
        verbose_name = _("remote help message")
        verbose_name_plural = _("remote help messages")

    def __str__(self) -> str:
        return f"{self.session_id} {self.author_kind}: {self.text[:30]}"


class SignalKind(models.TextChoices):
    OFFER = "offer", "offer"
    ANSWER = "answer", "answer"
    CANDIDATE = "candidate", "candidate"
    HANGUP = "hangup", "hangup"


class HelpSignal(models.Model):
    """A WebRTC signalling message from one side of the session to the other (not a record)."""

    session = models.ForeignKey(
        HelpSession, verbose_name=_("remote help session"), on_delete=models.CASCADE, related_name="signals"
    )
    side = models.CharField(_("from side"), max_length=20)  # live_help.CENTRE or APPLICANT
    kind = models.CharField(_("kind"), max_length=20, choices=SignalKind.choices)
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    at = models.DateTimeField(_("at"), db_index=True)

    class Meta:
        ordering = ["session", "id"]
        verbose_name = _("call signal")
        verbose_name_plural = _("call signals")

    def __str__(self) -> str:
        return f"{self.session_id} {self.side} {self.kind}"
