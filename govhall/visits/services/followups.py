"""Services of the follow-up of a bad rating (差评整改): every move is one function and one transaction.

open_follow_up is called by the rating services inside their transaction. The department responsible
("谁办理、谁负责") calls back and verifies (verify), rectifies (rectify) and reports back to the rater
(report_back), or appeals (appeal); the centre decides the appeal (decide_appeal). The states and moves are
the table in govhall.visits.followup_states; each move locks the row, checks the caller's version (stale →
StaleVersion, 409), restamps the current stage's deadline and light, and writes one FollowUpEvent.

Deadlines are counted in working days (govhall.workdays) from the day of the move, local time:
GOVHALL_FOLLOWUP_CALLBACK_DAYS (1), GOVHALL_FOLLOWUP_RECTIFY_DAYS (5), GOVHALL_FOLLOWUP_APPEAL_DAYS (5).
"""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.cases.errors import StaleVersion
from govhall.core.models import Role
from govhall.supervision import lights
from govhall.visits.errors import FollowUpForbidden
from govhall.visits.followup_states import (
    CENTRE_MOVES,
    DEPARTMENT_MOVES,
    Move,
    finding_required_message,
    follow_up_transition,
)
from govhall.visits.models import Rating
from govhall.visits.models.followups import (
    AppealDecision,
    Finding,
    FollowUp,
    FollowUpEvent,
    FollowUpState,
    RaterView,
)
from govhall.workdays import calendar as workdays

DEPARTMENT_ROLES = frozenset({Role.HANDLER, Role.DEPT_HEAD})
CENTRE_ROLES = frozenset({Role.SUPERVISOR})
# Who reads every follow-up (the centre); department staff read their department's.
SEE_ALL_ROLES = frozenset({Role.SUPERVISOR, Role.LEADER})
STAMP_FIELDS = ("warn_at", "due_at", "alert_level")


def callback_days() -> int:
    return int(getattr(settings, "GOVHALL_FOLLOWUP_CALLBACK_DAYS", 1))


def rectify_days() -> int:
    return int(getattr(settings, "GOVHALL_FOLLOWUP_RECTIFY_DAYS", 5))


def appeal_days() -> int:
    return int(getattr(settings, "GOVHALL_FOLLOWUP_APPEAL_DAYS", 5))


def _due(now: datetime, days: int) -> date:
    return workdays.add_workdays(timezone.localdate(now), days)


# --- lights -----------------------------------------------------------------------------------------


def stamp_follow_up(follow_up: FollowUp) -> list[str]:
    """Set warn_at/due_at from the current stage's due date (dark once closed); a moved due time starts the
    reminders afresh. Yellow starts the rule's lead of working days before the due date (the department's
    threshold rule, else the centre's), but never before the stage's first day: a one-day callback turns
    yellow on its due day. Returns the fields changed."""
    due = follow_up.current_due
    if follow_up.state == FollowUpState.CLOSED or due is None:
        warn_at = due_at = None
    else:
        limit = {
            FollowUpState.CALLBACK: callback_days(),
            FollowUpState.RECTIFYING: rectify_days(),
            FollowUpState.APPEALED: appeal_days(),
        }[follow_up.state]
        threshold = lights.current_rules().threshold(item_code=None, department_id=follow_up.department_id)
        lead = min(threshold.lead(limit), max(limit - 1, 0))
        cal = workdays.CACHE.snapshot()
        warn_day = cal.add_workdays(due, -lead) if lead else due
        warn_at, due_at = lights.start_of(warn_day), lights.end_of(due)
    if follow_up.due_at != due_at:
        follow_up.alert_level = 0
    follow_up.warn_at, follow_up.due_at = warn_at, due_at
    return list(STAMP_FIELDS)


# --- opening ----------------------------------------------------------------------------------------


def open_follow_up(rating: Rating, *, now: datetime) -> FollowUp:
    """Open the follow-up of a bad rating, assigned to the department that handled the rated service, with
    the callback due GOVHALL_FOLLOWUP_CALLBACK_DAYS working days after the rating's day and its light.
    Call inside the transaction that records the rating."""
    if rating.department_id is None:
        raise ValidationError(
            {
                "department": [
                    _("A bad rating is followed up by the department that handled it: none is known.")
                ]
            }
        )
    with transaction.atomic():
        follow_up = FollowUp(
            rating=rating,
            department_id=rating.department_id,
            opened_at=now,
            callback_due=_due(now, callback_days()),
        )
        stamp_follow_up(follow_up)
        follow_up.save(force_insert=True)
        FollowUpEvent.objects.create(
            follow_up=follow_up, move=Move.OPEN, from_state="", to_state=follow_up.state, at=now
        )
    return follow_up


# --- permissions ------------------------------------------------------------------------------------


def can_see(user, follow_up: FollowUp) -> bool:
    role = getattr(user, "role", None)
    if role in SEE_ALL_ROLES:
        return True
    return role in DEPARTMENT_ROLES and user.department_id == follow_up.department_id


def may_move(user, follow_up: FollowUp, move: str) -> bool:
    """Whether the user's role and department allow `move` (the table still decides the state)."""
    role = getattr(user, "role", None)
    if move in DEPARTMENT_MOVES:
        return role in DEPARTMENT_ROLES and user.department_id == follow_up.department_id
    if move in CENTRE_MOVES:
        return role in CENTRE_ROLES
    return False


# --- moves ------------------------------------------------------------------------------------------


def _require(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: [message]})
    return value


def _choice(value: str, choices, field: str, message: str) -> str:
    if value not in choices.values:
        raise ValidationError({field: [message]})
    return value


def _lock(follow_up: FollowUp, *, expected_version: int | None) -> FollowUp:
    locked = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersion(expected=expected_version, actual=locked.version, what=_("follow-up"))
    return locked


def _move(
    follow_up: FollowUp,
    move: str,
    *,
    by,
    now: datetime,
    expected_version: int | None,
    note: str,
    finding: str | None = None,
    apply=None,
) -> FollowUp:
    """Lock, check, change: the one path of every move. `apply(locked, target)` records the move's fields."""
    with transaction.atomic():
        locked = _lock(follow_up, expected_version=expected_version)
        if not may_move(by, locked, move):
            raise FollowUpForbidden(_("Your role or department may not make this move on this follow-up."))
        target = follow_up_transition(locked, move, finding=finding)
        before = locked.state
        if apply is not None:
            apply(locked, target)
        locked.state = target
        if target == FollowUpState.CLOSED:
            locked.closed_at = now
        stamp_follow_up(locked)
        locked.version += 1
        locked.save()
        FollowUpEvent.objects.create(
            follow_up=locked, move=move, from_state=before, to_state=target, at=now, by=by, note=note
        )
    follow_up.refresh_from_db()
    return locked


def verify(
    follow_up: FollowUp,
    *,
    finding: str,
    explanation: str,
    by,
    now: datetime,
    called_back_at: datetime | None = None,
    expected_version: int | None = None,
) -> FollowUp:
    """回访核实: record the callback and its finding. Founded or partly founded: rectify within
    GOVHALL_FOLLOWUP_RECTIFY_DAYS working days; unfounded or unreachable: closed."""
    errors: dict[str, list[str]] = {}
    if not finding:
        errors["finding"] = [finding_required_message()]
    elif finding not in Finding.values:
        errors["finding"] = [_("Choose a finding: founded, partly founded, unfounded or unreachable.")]
    if not (explanation or "").strip():
        errors["explanation"] = [_("Explain the finding: what the callback found.")]
    if errors:
        raise ValidationError(errors)
    explanation = explanation.strip()
    called_back_at = called_back_at or now
    if called_back_at > now:
        raise ValidationError({"called_back_at": [_("The callback cannot be in the future.")]})

    def apply(row: FollowUp, target: str) -> None:
        if called_back_at < row.opened_at:
            raise ValidationError({"called_back_at": [_("The callback cannot be before the rating.")]})
        row.finding, row.explanation = finding, explanation
        row.called_back_at, row.verified_by = called_back_at, by
        if target == FollowUpState.RECTIFYING:
            row.rectify_due = _due(now, rectify_days())

    return _move(
        follow_up,
        Move.VERIFY,
        by=by,
        now=now,
        expected_version=expected_version,
        note=explanation,
        finding=finding,
        apply=apply,
    )


def rectify(
    follow_up: FollowUp, *, rectification: str, by, now: datetime, expected_version: int | None = None
) -> FollowUp:
    """整改: record what the department changed. The follow-up stays in rectification until the rater's view
    is reported back, within the same deadline."""
    rectification = _require(
        rectification, "rectification", _("Describe the rectification: what was changed.")
    )

    def apply(row: FollowUp, target: str) -> None:
        row.rectification, row.rectified_at = rectification, now

    return _move(
        follow_up,
        Move.RECTIFY,
        by=by,
        now=now,
        expected_version=expected_version,
        note=rectification,
        apply=apply,
    )


def report_back(
    follow_up: FollowUp,
    *,
    rater_view: str,
    note: str = "",
    by,
    now: datetime,
    expected_version: int | None = None,
) -> FollowUp:
    """反馈: the rectification was reported back to the rater; their view is recorded and the follow-up
    closes. Only after the rectification is recorded."""
    _choice(rater_view, RaterView, "rater_view", _("Record the rater's view of the rectification."))

    def apply(row: FollowUp, target: str) -> None:
        if not row.rectification:
            raise ValidationError(
                {"rater_view": [_("Record the rectification before reporting it back to the rater.")]}
            )
        row.rater_view = rater_view

    return _move(
        follow_up,
        Move.REPORT_BACK,
        by=by,
        now=now,
        expected_version=expected_version,
        note=note.strip(),
        apply=apply,
    )


def appeal(
    follow_up: FollowUp, *, grounds: str, by, now: datetime, expected_version: int | None = None
) -> FollowUp:
    """申诉: the department holds the rating false or mistaken; the centre decides within
    GOVHALL_FOLLOWUP_APPEAL_DAYS working days. One appeal per follow-up."""
    grounds = _require(
        grounds, "grounds", _("Give the grounds of the appeal: why the rating is false or mistaken.")
    )

    def apply(row: FollowUp, target: str) -> None:
        if row.appealed_at is not None:
            raise ValidationError({"grounds": [_("This follow-up was appealed already: one appeal each.")]})
        row.appeal_reason, row.appealed_at = grounds, now
        row.appeal_due = _due(now, appeal_days())

    return _move(
        follow_up, Move.APPEAL, by=by, now=now, expected_version=expected_version, note=grounds, apply=apply
    )


def decide_appeal(
    follow_up: FollowUp,
    *,
    decision: str,
    note: str,
    by,
    now: datetime,
    expected_version: int | None = None,
) -> FollowUp:
    """The centre decides an appeal. Upheld: the rating leaves the figures (Rating.counts = False) but stays
    in the record, and the follow-up closes. Dismissed: the follow-up goes back to where it was, and that
    stage's deadline starts again from the decision."""
    _choice(decision, AppealDecision, "decision", _("Choose: uphold or dismiss the appeal."))
    note = _require(note, "note", _("Give the reasons of the decision."))
    move = Move.UPHOLD_APPEAL if decision == AppealDecision.UPHELD else Move.DISMISS_APPEAL

    def apply(row: FollowUp, target: str) -> None:
        row.appeal_decision, row.appeal_note = decision, note
        row.appeal_decided_at, row.appeal_decided_by = now, by
        if decision == AppealDecision.UPHELD:
            Rating.objects.filter(pk=row.rating_id).update(counts=False)
        elif target == FollowUpState.RECTIFYING:
            row.rectify_due = _due(now, rectify_days())
        else:
            row.callback_due = _due(now, callback_days())

    return _move(follow_up, move, by=by, now=now, expected_version=expected_version, note=note, apply=apply)
