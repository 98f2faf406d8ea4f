"""The work on an accepted case: steps, special-procedure pauses, extension requests, material handovers."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from govhall.cases.models.case import Case


class StepState(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACTIVE = "active", _("Active")
    DONE = "done", _("Done")
    RETURNED = "returned", _("Returned")


class StepOutcome(models.TextChoices):
    APPROVE = "approve", _("Approve")
    RETURN = "return", _("Return to the previous step")


class Step(models.Model):
    """One step of a case's process, copied from the item's ProcessStep at acceptance.

    A plain SQL row on purpose: supervision adds warn_at/due_at and computes lights over these rows.
    """

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveIntegerField(_("position"))
    name = models.CharField(_("name"), max_length=100)
    department = models.ForeignKey(
        "catalog.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="case_steps",
    )
    state = models.CharField(_("state"), max_length=20, choices=StepState.choices, default=StepState.PENDING)
    limit_days = models.PositiveIntegerField(_("limit (working days)"), default=0)
    paused_days = models.PositiveIntegerField(
        _("added working days"), default=0, help_text=_("Suspended and extension days added while active")
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    started_on = models.DateField(_("start date"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True, db_index=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("finished by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=StepOutcome.choices, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    rounds = models.PositiveIntegerField(
        _("rounds"), default=0, help_text=_("How many times the step was started (a return starts it again)")
    )
    # Supervision (govhall.supervision.lights.stamp_step sets these whenever the step's clock changes):
    # the light is a comparison of these with now, in SQL, for any number of rows.
    # Indexed by the partial indexes below (step_light, step_warn_due, step_red_due): every index costs
    # each sweep's claim and each step start a write.
    warn_at = models.DateTimeField(_("yellow from"), null=True, blank=True)
    due_at = models.DateTimeField(_("red from"), null=True, blank=True)
    paused = models.BooleanField(_("clock paused"), default=False)
    alert_level = models.PositiveSmallIntegerField(
        _("reminders sent"),
        default=0,
        help_text=_("For the current thresholds: 0 none, 1 yellow, 2 red; reset when the due time moves"),
    )

    class Meta:
        ordering = ["case", "position"]
        constraints = [models.UniqueConstraint(fields=["case", "position"], name="step_position_unique")]
        indexes = [
            models.Index(fields=["department", "state", "due_date"], name="step_queue"),
            # The board's counts: an index-only scan of the open steps.
            models.Index(
                fields=["department", "due_at", "warn_at", "paused"],
                condition=Q(state="active"),
                name="step_light",
            ),
            # The sweep's pending crossings; rows leave these indexes once reminded.
            models.Index(
                fields=["warn_at"], condition=Q(state="active", alert_level=0), name="step_warn_due"
            ),
            models.Index(
                fields=["due_at"], condition=Q(state="active", alert_level__lt=2), name="step_red_due"
            ),
        ]
        verbose_name = _("step")
        verbose_name_plural = _("steps")

    def __str__(self) -> str:
        return f"{self.case.number} #{self.position} {self.name}"


class SuspensionKind(models.TextChoices):
    HEARING = "hearing", _("Hearing")
    EXPERT_REVIEW = "expert_review", _("Expert review")
    INSPECTION = "inspection", _("Inspection / on-site check")
    TESTING = "testing", _("Testing")
    APPRAISAL = "appraisal", _("Appraisal")
    TENDERING = "tendering", _("Tendering / auction")


class Suspension(models.Model):
    """A special procedure (特别程序) that does not count toward the limit (行政许可法 Art. 45)."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="suspensions"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=SuspensionKind.choices)
    reason = models.TextField(_("reason"))
    started_on = models.DateField(_("started on"))
    expected_days = models.PositiveIntegerField(_("expected working days"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    counted_days = models.PositiveIntegerField(
        _("working days not counted"), null=True, blank=True, help_text=_("Set when the case resumes")
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("started by"), on_delete=models.PROTECT, related_name="+"
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ended by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["case", "started_on", "id"]
        verbose_name = _("suspension")
        verbose_name_plural = _("suspensions")

    def __str__(self) -> str:
        return f"{self.case.number} {self.get_kind_display()}"


class ExtensionState(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class ExtensionRequest(models.Model):
    """A request to extend the limit (延期); decided by the head of the item's department."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="extension_requests"
    )
    days = models.PositiveIntegerField(_("working days"))
    reason = models.TextField(_("reason"))
    state = models.CharField(
        _("state"), max_length=20, choices=ExtensionState.choices, default=ExtensionState.REQUESTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")

    def __str__(self) -> str:
        return f"{self.case.number} +{self.days}"


class MaterialHandover(models.Model):
    """Paper materials of an agency case travelling from the township hall to the centre."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="handovers")
    sent_at = models.DateTimeField(_("sent at"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sent by"), on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["case", "sent_at", "id"]
        verbose_name = _("material handover")
        verbose_name_plural = _("material handovers")

    def __str__(self) -> str:
        return f"{self.case.number} {self.sent_at:%Y-%m-%d}"
