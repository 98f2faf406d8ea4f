"""Running lanes: the lane case (the applicant's one case number), its stage runs, the item cases of
each stage (ordinary cases of the cases app, linked here) and the append-only lane events."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from govhall.lanes.models.config import Lane, Stage, StageItem


class LaneCaseState(models.TextChoices):
    # An online application (portal): received, each item case waiting for its department's pre-review.
    RECEIVED = "received", _("Received online, waiting for pre-review")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Supplement requested")
    IN_PROGRESS = "in_progress", _("In progress")
    SUSPENDED = "suspended", _("Suspended (special procedure)")
    CONCLUDED = "concluded", _("Concluded")
    STOPPED = "stopped", _("Stopped (an item was denied)")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_LANE_STATES = frozenset(
    {
        LaneCaseState.RECEIVED,
        LaneCaseState.SUPPLEMENT_REQUESTED,
        LaneCaseState.IN_PROGRESS,
        LaneCaseState.SUSPENDED,
    }
)
# A lane case carries a light while its clock runs (in progress) or is paused (suspended).
LIT_LANE_STATES = (LaneCaseState.IN_PROGRESS, LaneCaseState.SUSPENDED)


def new_lane_verification_code() -> str:
    from govhall.cases.services.intake import new_verification_code

    return new_verification_code()


class LaneCase(models.Model):
    """One application to a lane. Its number comes from the same per-hall daily sequence as case numbers,
    so it never equals a case number; the applicant quotes this one number for the whole lane."""

    number = models.CharField(_("lane case number"), max_length=40, unique=True)
    lane = models.ForeignKey(
        Lane, verbose_name=_("fast lane (version)"), on_delete=models.PROTECT, related_name="cases"
    )
    state = models.CharField(_("state"), max_length=30, choices=LaneCaseState.choices, db_index=True)
    hall = models.ForeignKey(
        "catalog.Hall", verbose_name=_("hall"), on_delete=models.PROTECT, related_name="+"
    )
    window = models.ForeignKey(
        "catalog.Window",
        verbose_name=_("window"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    applicant_name = models.CharField(_("applicant"), max_length=200, db_index=True)
    form_data = models.JSONField(_("unified form"), default=dict)
    materials = models.JSONField(_("materials received"), default=list, help_text=_("Lane material ids"))
    received_at = models.DateTimeField(_("received at"))
    received_on = models.DateField(_("receipt date"))
    acceptance_date = models.DateField(_("acceptance date"), null=True, blank=True)
    total_limit = models.PositiveIntegerField(_("lane limit (working days)"), default=0)
    added_days = models.PositiveIntegerField(
        _("added working days"), default=0, help_text=_("Special procedures and extensions of item cases")
    )
    due_date = models.DateField(_("lane due date"), null=True, blank=True, db_index=True)
    due_provisional = models.BooleanField(_("due date provisional"), default=False)
    current_stage = models.PositiveIntegerField(_("current stage"), default=1)
    stopped_reason = models.TextField(_("why the lane stopped"), blank=True)
    concluded_at = models.DateTimeField(_("concluded at"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    # The public progress query (/portal/progress/) takes the lane number with this code, like a case's.
    verification_code = models.CharField(
        _("verification code"), max_length=8, default=new_lane_verification_code
    )
    # Supervision lights (govhall.supervision.lights): stamped by the lane services whenever the lane clock
    # starts or moves (lanes/services/clock.py stamp_lights); the light is a comparison with now in SQL.
    warn_at = models.DateTimeField(_("yellow from"), null=True, blank=True)
    due_at = models.DateTimeField(_("red from"), null=True, blank=True)
    paused = models.BooleanField(_("clock paused"), default=False)
    alert_level = models.PositiveSmallIntegerField(
        _("reminders sent"), default=0, help_text=_("0 none, 1 yellow, 2 red, for the current thresholds")
    )

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(
                fields=["due_at", "warn_at"],
                name="lane_case_lit",
                condition=models.Q(due_at__isnull=False),
            )
        ]
        verbose_name = _("lane case")
        verbose_name_plural = _("lane cases")

    def __str__(self) -> str:
        return f"{self.number} {self.applicant_name}"

    @property
    def is_lit(self) -> bool:
        """Whether the lane case carries a light (its clock runs or is paused)."""
        return self.state in LIT_LANE_STATES and self.due_at is not None

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_LANE_STATES


class StageRunState(models.TextChoices):
    PENDING = "pending", _("Not started")
    ACTIVE = "active", _("In progress")
    PASSED = "passed", _("Passed")
    STOPPED = "stopped", _("Stopped")


class LaneStageRun(models.Model):
    lane_case = models.ForeignKey(
        LaneCase, verbose_name=_("lane case"), on_delete=models.CASCADE, related_name="runs"
    )
    stage = models.ForeignKey(Stage, verbose_name=_("stage"), on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField(_("position"))
    state = models.CharField(
        _("state"), max_length=20, choices=StageRunState.choices, default=StageRunState.PENDING
    )
    limit_days = models.PositiveIntegerField(_("stage limit (working days)"))
    added_days = models.PositiveIntegerField(_("added working days"), default=0)
    started_on = models.DateField(_("start date"), null=True, blank=True)
    due_date = models.DateField(_("stage due date"), null=True, blank=True)
    finished_on = models.DateField(_("finished on"), null=True, blank=True)
    warn_at = models.DateTimeField(_("yellow from"), null=True, blank=True)
    due_at = models.DateTimeField(_("red from"), null=True, blank=True)
    paused = models.BooleanField(_("clock paused"), default=False)

    class Meta:
        ordering = ["lane_case", "position"]
        constraints = [
            models.UniqueConstraint(fields=["lane_case", "position"], name="lane_run_position_unique")
        ]
        verbose_name = _("stage run")
        verbose_name_plural = _("stage runs")

    def __str__(self) -> str:
        return f"{self.lane_case.number} #{self.position}"

    @property
    def is_lit(self) -> bool:
        return self.state == StageRunState.ACTIVE and self.due_at is not None


class LaneItemCase(models.Model):
    """An item case opened for a lane: an ordinary case with its own clock and department."""

    lane_case = models.ForeignKey(
        LaneCase, verbose_name=_("lane case"), on_delete=models.CASCADE, related_name="item_cases"
    )
    run = models.ForeignKey(
        LaneStageRun, verbose_name=_("stage run"), on_delete=models.CASCADE, related_name="item_cases"
    )
    stage_item = models.ForeignKey(
        StageItem, verbose_name=_("stage item"), on_delete=models.PROTECT, related_name="+"
    )
    case = models.OneToOneField(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="lane_link"
    )
    application = models.JSONField(
        _("application"), default=dict, help_text=_("The item's own fields, filled from the unified form")
    )

    class Meta:
        ordering = ["lane_case", "run__position", "stage_item__position", "id"]
        verbose_name = _("lane item case")
        verbose_name_plural = _("lane item cases")

    def __str__(self) -> str:
        return f"{self.lane_case.number} → {self.case_id}"


class LaneEventsAreAppendOnly(Exception):
    """Someone tried to change or remove a lane event."""


class LaneEventKind(models.TextChoices):
    APPLIED = "applied", _("Application filed")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("One-time notice issued")
    SUPPLEMENT_RECEIVED = "supplement_received", _("Supplementary materials received")
    ACCEPTED = "accepted", _("Accepted: the lane clock starts")
    STAGE_STARTED = "stage_started", _("Stage started")
    ITEM_OPENED = "item_opened", _("Item case opened")
    ITEM_APPROVED = "item_approved", _("Item approved")
    ITEM_DENIED = "item_denied", _("Item denied")
    ITEM_CLOSED = "item_closed", _("Item case closed without a decision")
    CLOCK_CHANGED = "clock_changed", _("Lane clock changed")
    STAGE_PASSED = "stage_passed", _("Stage passed")
    SUSPENDED = "suspended", _("Suspended")
    RESUMED = "resumed", _("Resumed")
    STOPPED = "stopped", _("Lane stopped")
    CONCLUDED = "concluded", _("Lane concluded")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class LaneEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise LaneEventsAreAppendOnly("lane events are append-only: update refused")

    def delete(self):
        raise LaneEventsAreAppendOnly("lane events are append-only: delete refused")


class LaneEvent(models.Model):
    lane_case = models.ForeignKey(
        LaneCase, verbose_name=_("lane case"), on_delete=models.PROTECT, related_name="events"
    )
    seq = models.PositiveIntegerField(_("sequence"))
    kind = models.CharField(_("kind"), max_length=30, choices=LaneEventKind.choices)
    at = models.DateTimeField(_("at"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    stage = models.PositiveIntegerField(_("stage"), null=True, blank=True)
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("item case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)

    objects = LaneEventQuerySet.as_manager()

    class Meta:
        ordering = ["lane_case", "seq"]
        constraints = [models.UniqueConstraint(fields=["lane_case", "seq"], name="lane_event_seq_unique")]
        verbose_name = _("lane event")
        verbose_name_plural = _("lane events")

    def __str__(self) -> str:
        return f"{self.lane_case_id}#{self.seq} {self.kind}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise LaneEventsAreAppendOnly("lane events are append-only: update refused")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise LaneEventsAreAppendOnly("lane events are append-only: delete refused")
