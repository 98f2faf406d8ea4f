"""Remote help sessions (远程帮办): a township hall's agency clerk, or a resident at home, asks the centre's
window for help with a draft application; a clerk of the item's department takes the session from the
department's queue, corrects the draft beside them, marks each uploaded material and may pre-approve the
draft (预审通过), so that its submission is accepted at once.

The session is the one record of who helped whom and when. Its moves (HelpEvent) and every change of the
draft made during it (DraftEdit) are append-only: the ORM refuses to change or remove them, and database
triggers refuse writers that bypass it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from govhall.supervision.models.base import AppendOnly


class HelpState(models.TextChoices):
    REQUESTED = "requested", _("Waiting in the queue")
    IN_PROGRESS = "in_progress", _("Being helped")
    ENDED = "ended", _("Ended")
    CANCELLED = "cancelled", _("Cancelled")
    NO_SHOW = "no_show", _("Nobody answered")


# The states in which a session is open: a draft has at most one open session.
OPEN_STATES = (HelpState.REQUESTED, HelpState.IN_PROGRESS)


class HelpOutcome(models.TextChoices):
    ADVISED = "advised", _("Advised")
    DRAFT_IMPROVED = "draft_improved", _("Draft improved")
    SUBMITTED = "submitted", _("Submitted")


class AuthorKind(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    TOWNSHIP_CLERK = "township_clerk", _("Township clerk")
    CENTRE_CLERK = "centre_clerk", _("Centre clerk")


class HelpSession(models.Model):
    application = models.ForeignKey(
        "portal.Application",
        verbose_name=_("online application"),
        on_delete=models.PROTECT,
        related_name="help_sessions",
    )
    item = models.ForeignKey(
        "catalog.ServiceItem", verbose_name=_("service item"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "catalog.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="help_sessions",
        help_text=_("The item's department: its queue at the centre, and its clerks who may help"),
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        on_delete=models.PROTECT,
        related_name="help_sessions_asked",
    )
    asker_kind = models.CharField(_("asked by (kind)"), max_length=20, choices=AuthorKind.choices)
    hall = models.ForeignKey(
        "catalog.Hall",
        verbose_name=_("township hall"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="help_sessions",
        help_text=_("The township hall whose agency clerk asked; empty for a resident at home"),
    )
    booking = models.OneToOneField(
        "visits.Booking",
        verbose_name=_("appointment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="help_session",
    )
    question = models.TextField(_("what the help is wanted for"), blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=HelpState.choices, default=HelpState.REQUESTED
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=HelpOutcome.choices, blank=True)
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("centre clerk"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="help_sessions_taken",
    )
    # The moment the session counts in its department's queue: when it was asked for, or the start of
    # its appointment slot.
    requested_at = models.DateTimeField(_("in the queue from"))
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    corrected = models.TextField(_("what was corrected"), blank=True)
    still_missing = models.TextField(_("what is still missing"), blank=True)
    preapproved_at = models.DateTimeField(_("pre-approved at"), null=True, blank=True)
    preapproved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pre-approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The draft's version that was pre-approved: any later change of the draft voids the pre-approval.
    preapproved_version = models.PositiveIntegerField(_("draft version pre-approved"), null=True, blank=True)
    # 一次一评: the asker's rating of the ended session, given once through the visits' rating service (the
    # visits sit below the portal, so the link is kept here; one-to-one: one rating per session).
    rating = models.OneToOneField(
        "visits.Rating",
        verbose_name=_("rating"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="help_session",
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["requested_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(state__in=["requested", "in_progress"]),
                name="help_session_one_open_per_draft",
            ),
            models.CheckConstraint(
                condition=~Q(state="ended") | ~Q(outcome=""), name="help_session_ended_has_outcome"
            ),
        ]
        indexes = [
            models.Index(fields=["department", "state", "requested_at"], name="help_session_queue"),
        ]
        verbose_name = _("remote help session")
        verbose_name_plural = _("remote help sessions")

    def __str__(self) -> str:
        return f"{self.pk} {self.item_id} ({self.get_state_display()})"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_preapproved(self) -> bool:
        """Pre-approved, and the draft unchanged since (version as pre-approved)."""
        return self.preapproved_version is not None and self.preapproved_version == self.application.version


class HelpEvent(AppendOnly):
    """One move of a session: who, when, from which state to which, with the note."""

    session = models.ForeignKey(
        HelpSession, verbose_name=_("remote help session"), on_delete=models.PROTECT, related_name="events"
    )
    move = models.CharField(_("move"), max_length=20)
    from_state = models.CharField(_("from"), max_length=20, blank=True)
    to_state = models.CharField(_("to"), max_length=20)
    at = models.DateTimeField(_("at"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("remote help event")
        verbose_name_plural = _("remote help events")

    def __str__(self) -> str:
        return f"{self.session_id} {self.move} {self.from_state}→{self.to_state}"


class DraftEdit(AppendOnly):
    """One field of the draft changed during a session: the old and new value, who wrote it (and as whom),
    and the draft version the write produced."""

    session = models.ForeignKey(
        HelpSession, verbose_name=_("remote help session"), on_delete=models.PROTECT, related_name="edits"
    )
    application = models.ForeignKey(
        "portal.Application",
        verbose_name=_("online application"),
        on_delete=models.PROTECT,
        related_name="help_edits",
    )
    field = models.CharField(_("field"), max_length=60)
    old_value = models.TextField(_("old value"), blank=True)
    new_value = models.TextField(_("new value"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    author_kind = models.CharField(_("author (kind)"), max_length=20, choices=AuthorKind.choices)
    at = models.DateTimeField(_("at"))
    draft_version = models.PositiveIntegerField(_("draft version written"))

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["application", "field", "draft_version"], name="draft_edit_field")]
        verbose_name = _("draft edit")
        verbose_name_plural = _("draft edits")

    def __str__(self) -> str:
        return f"{self.application_id} {self.field} v{self.draft_version}"


class MaterialReview(models.Model):
    """The centre clerk's mark on one uploaded file of the draft: acceptable or not, with a comment. A
    file replaced in its slot is a new file, unmarked until marked again."""

    session = models.ForeignKey(
        HelpSession, verbose_name=_("remote help session"), on_delete=models.CASCADE, related_name="reviews"
    )
    document = models.ForeignKey(
        "portal.ApplicationDocument",
        verbose_name=_("application document"),
        on_delete=models.CASCADE,
        related_name="help_reviews",
    )
    acceptable = models.BooleanField(_("acceptable"))
    comment = models.TextField(_("comment"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"))

    class Meta:
        ordering = ["session", "document"]
        constraints = [
            models.UniqueConstraint(fields=["session", "document"], name="material_review_once_per_document")
        ]
        verbose_name = _("material review")
        verbose_name_plural = _("material reviews")

    def __str__(self) -> str:
        return f"{self.document_id}: {'ok' if self.acceptable else 'not ok'}"
