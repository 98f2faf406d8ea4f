"""Reads of remote help sessions: who sees which, a department's queue, a session's place in it and the
waiting time to expect.

The place in the queue is not stored: it is the number of the department's waiting sessions that came
before (by the moment they joined the queue), so that a cancellation or a start moves everyone up at once.
The wait is that number times the mean duration of the department's recent sessions."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q, QuerySet

from govhall.core.models import Role
from govhall.portal import access
from govhall.portal.models import HelpSession, HelpState

# Without history: a session takes this long, as the window group's default service time does.
DEFAULT_DURATION = timedelta(minutes=15)
RECENT = 20  # sessions whose durations make the mean


def is_centre_clerk(user) -> bool:
    """A window clerk of a department at the centre: the one who helps."""
    return (
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.role == Role.CLERK
        and user.department_id is not None
    )


def sessions_of(user) -> QuerySet[HelpSession]:
    """A centre clerk sees the sessions of their department; anyone else the sessions they asked for and
    those of the drafts they may act on. Nobody sees another department's (the API answers 404)."""
    if not getattr(user, "is_authenticated", False):
        return HelpSession.objects.none()
    rows = HelpSession.objects.select_related(
        "application", "item", "department", "hall", "clerk", "asked_by"
    )
    if is_centre_clerk(user):
        return rows.filter(department_id=user.department_id)
    return rows.filter(Q(asked_by=user) | Q(application__in=access.applications_of(user))).distinct()


def waiting(department_id: int, *, now: datetime | None = None) -> QuerySet[HelpSession]:
    """The department's queue, first come first: waiting sessions (booked ones from their slot's start
    when `now` is given)."""
    rows = HelpSession.objects.filter(department_id=department_id, state=HelpState.REQUESTED)
    if now is not None:
        rows = rows.filter(requested_at__lte=now)
    return rows.order_by("requested_at", "id")


def ahead_of(session: HelpSession) -> int:
    """How many waiting sessions of the department are before this one."""
    if session.state != HelpState.REQUESTED:
        return 0
    return (
        HelpSession.objects.filter(department_id=session.department_id, state=HelpState.REQUESTED)
        .filter(
            Q(requested_at__lt=session.requested_at) | Q(requested_at=session.requested_at, id__lt=session.pk)
        )
        .count()
    )


def queue_position(session: HelpSession) -> int | None:
    """1 for the next to be taken; None once the session is no longer waiting."""
    if session.state != HelpState.REQUESTED:
        return None
    return ahead_of(session) + 1


def mean_duration(department_id: int) -> timedelta:
    """The mean duration of the department's last sessions that ran (started and ended)."""
    rows = list(
        HelpSession.objects.filter(
            department_id=department_id, state=HelpState.ENDED, started_at__isnull=False
        )
        .order_by("-ended_at", "-id")
        .values_list("started_at", "ended_at")[:RECENT]
    )
    if not rows:
        return DEFAULT_DURATION
    total = sum(((end - start) for start, end in rows), timedelta())
    return total / len(rows)


def estimated_wait(session: HelpSession) -> timedelta | None:
    """The time until the session is likely taken: those ahead times the mean duration."""
    if session.state != HelpState.REQUESTED:
        return None
    return ahead_of(session) * mean_duration(session.department_id)


def department_wait(department_id: int, *, now: datetime) -> timedelta:
    """What a session asked for now would wait: everyone waiting now, times the mean duration."""
    return waiting(department_id, now=now).count() * mean_duration(department_id)
