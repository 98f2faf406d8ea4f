"""Turning a hot topic into a proactive task (未诉先办): a ticket of the channel "found by the centre" with
no caller, registered and dispatched to the chosen unit with the chosen deadline through the ordinary
intake services (so it has lights, reminders, escalation and statistics as any ticket), and the
ProactiveTask that links it to its topic. One task per topic and week: a second creation, concurrent or
not, is refused (TaskExists → 409) and leaves nothing behind."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.catalog.models import Department
from govhall.hotline.errors import TaskExists, TicketForbidden
from govhall.hotline.hot import HotRule, topic_tickets, week_of, week_topics, week_window
from govhall.hotline.models import Area, Channel, ProactiveTask, RequestType, Subject, Urgency
from govhall.hotline.services.common import may_dispatch_proactive
from govhall.hotline.services.intake import dispatch_ticket, register_ticket
from govhall.workdays import calendar as workdays

MAX_DAYS = 92  # a proactive task's deadline is at most about a quarter away


def _existing(area: Area, subject: Subject, week: date) -> ProactiveTask | None:
    return (
        ProactiveTask.objects.filter(area=area, subject=subject, week=week).select_related("ticket").first()
    )


def _exists_error(task: ProactiveTask) -> TaskExists:
    return TaskExists(
        _("This hot topic already has its proactive task: ticket %(number)s.")
        % {"number": task.ticket.number},
        ticket=task.ticket_id,
        number=task.ticket.number,
    )


def create_proactive_task(
    *,
    area: str,
    subject: str,
    week: date,
    unit: str,
    due_date: date,
    by,
    now: datetime,
    title: str = "",
    content: str = "",
) -> ProactiveTask:
    """A hot topic (area code, subject code at the rule's level, any day of the week) becomes a ticket
    dispatched to `unit` (a department code), to be handled by the end of `due_date` (a working day after
    today). The ticket's subject is the topic's most frequent third-level subject that week."""
    if not may_dispatch_proactive(by):
        raise TicketForbidden(_("Only the hotline centre and the leaders may turn a hot topic into a task."))
    rule = HotRule.from_settings()
    errors: dict[str, list[str]] = {}
    where = Area.objects.filter(code=(area or "").strip()).first()
    if where is None:
        errors["area"] = [_("Unknown area code “%(code)s”.") % {"code": str(area)[:20]}]
    code = (subject or "").strip()
    topic_subject = Subject.objects.filter(code=code).first()
    if topic_subject is None or len(code) != rule.subject_digits:
        errors["subject"] = [
            _("“%(code)s” is not a subject of %(n)s digits, the level hot topics are counted at.")
            % {"code": code[:20], "n": rule.subject_digits}
        ]
    dept = Department.objects.filter(code=(unit or "").strip()).first()
    if dept is None:
        errors["unit"] = [_("Unknown unit “%(code)s”.") % {"code": str(unit)[:32]}]
    today = timezone.localdate(now)
    if not isinstance(due_date, date):
        errors["due_date"] = [_("A date (YYYY-MM-DD).")]
    elif due_date <= today:
        errors["due_date"] = [_("The deadline must come after today (%(today)s).") % {"today": today}]
    elif (due_date - today).days > MAX_DAYS:
        errors["due_date"] = [_("The deadline is at most %(n)s days away.") % {"n": MAX_DAYS}]
    elif not workdays.is_workday(due_date):
        errors["due_date"] = [_("%(day)s is not a working day.") % {"day": due_date}]
    monday = week_of(week)
    if monday > week_of(today):
        errors["week"] = [_("The week has not begun.")]
    if len(title or "") > 120:
        errors["title"] = [_("At most 120 characters.")]
    if errors:
        raise ValidationError(errors)
    existing = _existing(where, topic_subject, monday)
    if existing is not None:
        raise _exists_error(existing)
    topic = next(
        (
            t
            for t in week_topics(monday, now=now, rule=rule)
            if t.area_id == where.pk and t.subject_code == code
        ),
        None,
    )
    if topic is None:
        raise ValidationError(
            {
                "subject": [
                    _("%(subject)s in %(area)s is not a hot topic in the week of %(week)s.")
                    % {"subject": topic_subject.name, "area": where.name, "week": monday}
                ]
            }
        )
    start, end = week_window(monday)
    leaves = Counter(topic_tickets(where.pk, code, start, end).values_list("subject__code", flat=True))
    leaf = sorted(leaves.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
    base = _(
        "%(area)s: %(count)s tickets on %(subject)s in the week of %(week)s (baseline %(baseline)s a week)."
    ) % {
        "area": where.name,
        "count": topic.count,
        "subject": topic_subject.name,
        "week": monday,
        "baseline": topic.baseline,
    }
    try:
        with transaction.atomic():
            ticket = register_ticket(
                channel=Channel.PROACTIVE,
                request_type=RequestType.HELP,
                urgency=Urgency.NORMAL,
                subject=leaf,
                area=where.code,
                title=(title or "").strip()
                or _("Act before the calls: %(subject)s in %(area)s")
                % {"subject": topic_subject.name, "area": where.name},
                content=((content or "").strip() + "\n\n" + base).strip(),
                anonymous=True,
                by=by,
                now=now,
            )
            # The task row first: a concurrent creation waits on the unique index and then fails.
            task = ProactiveTask.objects.create(
                area=where,
                subject=topic_subject,
                week=monday,
                count=topic.count,
                baseline=topic.baseline,
                ticket=ticket,
                created_at=now,
                created_by=by,
            )
            dispatch_ticket(
                ticket,
                by=by,
                now=now,
                lead_unit=dept,
                co_units=(),
                override_reason=_("Proactive task from a hot topic (未诉先办)."),
                due_date=due_date,
            )
    except IntegrityError:
        existing = _existing(where, topic_subject, monday)
        if existing is None:
            raise
        raise _exists_error(existing) from None
    task.ticket.refresh_from_db()
    return task
