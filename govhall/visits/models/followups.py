"""The follow-up of a bad rating (差评整改): assigned by "谁办理、谁负责" to the department that handled the
rated service; call back and verify, record a finding, rectify where founded and report back to the rater;
or appeal (申诉) to the centre. The states and moves are one table in govhall.visits.followup_states; the
deadline of the current stage carries warn_at/due_at and a light, with reminders sent once (alert_level,
claimed by compare-and-swap) and escalation through supervision."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from govhall.supervision.models import AlertLevel
from govhall.supervision.models.base import AppendOnly


class FollowUpState(models.TextChoices):
    CALLBACK = "callback", _("To call back and verify")  # 回访核实
    RECTIFYING = "rectifying", _("Rectifying")  # 整改
    APPEALED = "appealed", _("Appeal under review")  # 申诉
    CLOSED = "closed", _("Closed")


class Finding(models.TextChoices):
    FOUNDED = "founded", _("Founded")  # 属实
    PARTLY_FOUNDED = "partly", _("Partly founded")  # 部分属实
    UNFOUNDED = "unfounded", _("Unfounded")  # 不属实
    UNREACHABLE = "unreachable", _("Rater could not be reached")  # 无法联系


# A finding that obliges the department to rectify.
FOUNDED_FINDINGS = (Finding.FOUNDED, Finding.PARTLY_FOUNDED)


class RaterView(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied with the rectification")
    FAIRLY_SATISFIED = "fairly", _("Fairly satisfied with the rectification")
    DISSATISFIED = "dissatisfied", _("Dissatisfied with the rectification")
    UNREACHABLE = "unreachable", _("Rater could not be reached")


class AppealDecision(models.TextChoices):
    UPHELD = "upheld", _("Upheld: the rating leaves the figures")
    DISMISSED = "dismissed", _("Dismissed: the rating stands")


class FollowUp(models.Model):
    rating = models.OneToOneField(
        "visits.Rating", verbose_name=_("rating"), on_delete=models.PROTECT, related_name="follow_up"
    )
    department = models.ForeignKey(
        "catalog.Department",
        verbose_name=_("department responsible"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField(
        _("state"), max_length=12, choices=FollowUpState.choices, default=FollowUpState.CALLBACK
    )
    opened_at = models.DateTimeField(_("opened at"))

    # Call back and verify (回访核实), within GOVHALL_FOLLOWUP_CALLBACK_DAYS working days (default 1).
    callback_due = models.DateField(_("call back by"))
    called_back_at = models.DateTimeField(_("called back at"), null=True, blank=True)
    finding = models.CharField(_("finding"), max_length=12, choices=Finding.choices, blank=True)
    explanation = models.TextField(_("explanation of the finding"), blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    # Rectify where founded (整改), within GOVHALL_FOLLOWUP_RECTIFY_DAYS working days (default 5), and report
    # back to the rater, whose view of the rectification is recorded.
    rectify_due = models.DateField(_("rectify by"), null=True, blank=True)
    rectification = models.TextField(_("rectification"), blank=True)
    rectified_at = models.DateTimeField(_("rectified at"), null=True, blank=True)
    rater_view = models.CharField(
        _("rater's view of the rectification"), max_length=12, choices=RaterView.choices, blank=True
    )

    # Appeal (申诉) by the department, decided by the centre within GOVHALL_FOLLOWUP_APPEAL_DAYS working days.
    appeal_reason = models.TextField(_("grounds of the appeal"), blank=True)
    appealed_at = models.DateTimeField(_("appealed at"), null=True, blank=True)
    appeal_due = models.DateField(_("decide the appeal by"), null=True, blank=True)
    appeal_decision = models.CharField(
        _("appeal decision"), max_length=10, choices=AppealDecision.choices, blank=True
    )
    appeal_note = models.TextField(_("reasons of the decision"), blank=True)
    appeal_decided_at = models.DateTimeField(_("appeal decided at"), null=True, blank=True)
    appeal_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("appeal decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    # The light of the current stage's deadline (callback, rectification or appeal), restamped on each move;
    # alert_level counts the reminders sent for that stage (1 yellow, 2 red) and is reset with the stamp.
    warn_at = models.DateTimeField(_("yellow from"), null=True, blank=True)
    due_at = models.DateTimeField(_("red from"), null=True, blank=True)
    alert_level = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        ordering = ["-opened_at"]
        indexes = [
            models.Index(
                fields=["due_at"],
                condition=~Q(state="closed") & Q(alert_level__lt=2),
                name="followup_open_due",
            ),
            models.Index(fields=["department", "state"], name="followup_department_state"),
            # ratingstats: the follow-ups opened, due to be rectified, and rectified in a period
            models.Index(fields=["opened_at"], name="followup_opened"),
            models.Index(fields=["rectify_due"], name="followup_rectify_due"),
            models.Index(fields=["rectified_at"], name="followup_rectified"),
        ]
        verbose_name = _("follow-up of a bad rating")
        verbose_name_plural = _("follow-ups of bad ratings")

    def __str__(self) -> str:
        return f"{self.rating} → {self.department}"

    @property
    def is_lit(self) -> bool:
        """An open follow-up carries the light of its current stage's deadline (supervision's light tag)."""
        return self.state != FollowUpState.CLOSED and self.due_at is not None

    @property
    def current_due(self):
        """The due date of the current stage: call back, rectify, or the centre's decision on the appeal."""
        return {
            FollowUpState.CALLBACK: self.callback_due,
            FollowUpState.RECTIFYING: self.rectify_due,
            FollowUpState.APPEALED: self.appeal_due,
        }.get(self.state)


class FollowUpEvent(AppendOnly):
    """One move of a follow-up: who, when, from which state to which, with the note. Never changed or
    removed (the ORM refuses, and database triggers refuse writers that bypass it)."""

    follow_up = models.ForeignKey(
        FollowUp, verbose_name=_("follow-up"), on_delete=models.PROTECT, related_name="events"
    )
    move = models.CharField(_("move"), max_length=20)
    from_state = models.CharField(_("from"), max_length=12, blank=True)
    to_state = models.CharField(_("to"), max_length=12)
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
        verbose_name = _("follow-up event")
        verbose_name_plural = _("follow-up events")

    def __str__(self) -> str:
        return f"{self.follow_up_id} {self.move} {self.from_state}→{self.to_state}"


class FollowUpAlert(AppendOnly):
    """A follow-up crossing its yellow or red time: the proof that the reminder (yellow: the department) or
    the escalation (red: the department and the centre's supervisors) went out once. Kept here rather
    than in supervision's Alert, which belongs to a case; the levels are supervision's."""

    follow_up = models.ForeignKey(
        FollowUp, verbose_name=_("follow-up"), on_delete=models.PROTECT, related_name="alerts"
    )
    department = models.ForeignKey(
        "catalog.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    level = models.CharField(_("level"), max_length=20, choices=AlertLevel.choices)
    threshold_at = models.DateTimeField(_("threshold"))
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["follow_up", "level", "threshold_at"], name="followup_alert_once_per_crossing"
            )
        ]
        verbose_name = _("follow-up alert")
        verbose_name_plural = _("follow-up alerts")

    def __str__(self) -> str:
        return f"{self.follow_up_id} {self.level} {self.threshold_at:%Y-%m-%d}"
