"""Loading the living city for a module of tests: the services commit (their after-commit hooks, the
supervision flags, run as in `make run`), so the database is dropped and migrated again before each
load and after the module (case events are append-only: a flush cannot remove them on SQLite). Each load
collects everything the tests check, so the tests only read dictionaries."""

from __future__ import annotations

from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

from django.core.management import call_command
from django.db import connections, transaction
from django.db.models import Max
from django.test import Client
from django.utils import timezone

from govhall.cases import services
from govhall.cases.models import Case, CaseEvent
from govhall.core.models import User
from govhall.demo.living import MONTHS, SEED, figures
from govhall.demo.living.clock import months_back
from govhall.demo.rebuild import drop_and_migrate
from govhall.lanes.models import LaneEvent
from govhall.stats import rollup
from govhall.supervision import queries as board
from govhall.supervision.models import Alert, CardEvent, Notification, OrderEvent
from govhall.workdays import calendar as workdays

ZONE = ZoneInfo("Asia/Shanghai")


def wipe() -> None:
    """Drop and migrate again after a module's loads, then close this process's connections: a connection
    left open here outlived the test run on PostgreSQL (idle after the migrations' last query) and kept
    pytest-django from dropping the test database at the end ("being accessed by other users")."""
    drop_and_migrate(check=False)
    connections.close_all()


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ZONE)


def fresh_load(now: datetime, *, seed: int = SEED, scale: float | None = None) -> dict:
    """An empty migrated database and `govhall demo --now … --seed …` as `make run` runs it (the city, its
    accounts, the living city); the figures and what the tests check."""
    drop_and_migrate(check=False)
    options = ["--now", now.isoformat(), "--seed", str(seed)]
    if scale is not None:
        options += ["--scale", str(scale)]
    out = StringIO()
    call_command("demo", *options, stdout=out)
    result = figures.summary(now=now, first=months_back(timezone.localdate(now), MONTHS))
    result["first"] = months_back(timezone.localdate(now), MONTHS)
    result["output"] = out.getvalue()
    result["check"] = rollup.check()
    with transaction.atomic():
        # What the periodic case sweeps would do at `now`: nothing, if the demo left nothing undone.
        result["left_to_sweep"] = {
            "converted": services.convert_unfinished_immediate(now=now),
            "deemed": services.deem_overdue_receipts(now=now),
        }
        transaction.set_rollback(True)
    # The last action (case, lane, card, order events) and the last reminder (the sweep at now sends some).
    result["latest"] = _latest(
        CaseEvent.objects.aggregate(m=Max("at"))["m"],
        LaneEvent.objects.aggregate(m=Max("at"))["m"],
        CardEvent.objects.exclude(by=None).aggregate(m=Max("at"))["m"],
        OrderEvent.objects.exclude(by=None).aggregate(m=Max("at"))["m"],
        *_visit_moments(),
    )
    result["latest_reminder"] = _latest(
        Alert.objects.aggregate(m=Max("at"))["m"], Notification.objects.aggregate(m=Max("created_at"))["m"]
    )
    worked = [*CaseEvent.objects.exclude(by=None).values_list("at", flat=True), *_visit_days()]
    result["days_worked_off"] = sorted(d for d in _days(worked) if not workdays.is_workday(d))
    supervisor = User.objects.get(username="supervisor")
    rows = board.board_counts(board.visible_steps(supervisor), now, by="department")
    result["board"] = board.totals(rows)
    result["fingerprint"] = list(
        Case.objects.order_by("pk").values_list(
            "number", "kind", "state", "item__code", "received_at", "promised_due", "version"
        )
    )
    result["portal"] = _portal()
    result["pages"] = _pages()
    result["visits"] = _visits(now)
    result["help"] = _help(now)
    return result


def _help(now: datetime) -> dict:
    """Remote help as the demo left it: the sessions, the finished one's summary and rating, the queue and
    the pages that show them (statuses and markers only: the same for the same day and seed)."""
    from govhall.portal.models import HelpSession, InboxMessage
    from govhall.portal.queries_help import waiting
    from govhall.visits.models import Rating

    sessions = HelpSession.objects.select_related("asked_by", "hall", "department", "clerk", "rating", "item")
    rows = sorted(
        (
            s.state,
            s.outcome,
            s.asked_by.username,
            s.hall.name if s.hall_id else "",
            s.item.name,
            s.clerk.username if s.clerk_id else "",
            s.rating.level if s.rating_id else None,
        )
        for s in sessions
    )
    ended = sessions.filter(state="ended").first()
    clerk = User.objects.get(username="clerk")
    pages = {}
    for username, url, marker in (
        ("clerk", "/portal/help/queue/", "企业变更登记"),
        (
            "agency",
            f"/portal/help/{ended.pk}/" if ended else "",
            'data-test="help-rating-current" data-level="5"',
        ),
        ("leader", "/portal/help/stats/", 'data-test="help-by-hall"'),
    ):
        client = Client()
        client.force_login(User.objects.get(username=username))
        page = client.get(url)
        pages[username] = (page.status_code, marker in page.content.decode())
    return {
        "sessions": rows,
        "corrected": ended.corrected.splitlines() if ended else [],
        "still_missing": ended.still_missing.splitlines() if ended else [],
        "summaries": sorted(
            InboxMessage.objects.filter(kind="help_summary").values_list("recipient__username", flat=True)
        ),
        "queue": waiting(clerk.department_id, now=now).count(),
        "ratings": list(
            Rating.objects.filter(rated="help").values_list("clerk__username", "department__code")
        ),
        "pages": pages,
    }


def _visit_moments() -> list:
    from govhall.visits.models import FollowUpEvent, Rating, Visit

    return [
        Visit.objects.aggregate(m=Max("ticket_at"))["m"],
        Visit.objects.aggregate(m=Max("ended_at"))["m"],
        Rating.objects.aggregate(m=Max("rated_at"))["m"],
        FollowUpEvent.objects.aggregate(m=Max("at"))["m"],
    ]


def _visit_days() -> list:
    from govhall.visits.models import Visit

    return list(Visit.objects.values_list("ticket_at", flat=True))


def _visits(now: datetime) -> dict:
    """The hall's visits, appointments, ratings and follow-ups as the demo left them."""
    from collections import Counter

    from govhall.visits.models import Booking, FollowUp, Rating, Slot, Visit

    today = timezone.localdate(now)

    def light(f: FollowUp) -> str:
        if f.state == "closed":
            return "closed"
        return "red" if now >= f.due_at else "yellow" if now >= f.warn_at else "green"

    return {
        "slots_ahead": Slot.objects.filter(start_at__gt=now).count(),
        "slot_days_off": sorted(
            {d for d in Slot.objects.values_list("day", flat=True) if not workdays.is_workday(d)}
        ),
        "bookings": Booking.objects.filter(slot__start_at__gt=now).count(),
        "today": dict(Counter(Visit.objects.filter(day=today).values_list("state", flat=True))),
        "done": Visit.objects.filter(state="done").count(),
        "rated": dict(Counter(Rating.objects.values_list("rated", flat=True))),
        "uncounted": Rating.objects.filter(counts=False).count(),
        "follow_ups": sorted(
            (f.state, light(f), bool(f.finding), bool(f.appeal_decision)) for f in FollowUp.objects.all()
        ),
    }


def _latest(*moments):
    return max(m for m in moments if m is not None)


def _days(moments) -> set:
    return {timezone.localdate(m) for m in moments}


# The first page of each role and what it must show (a marker of the work on it).
PAGES = {
    "clerk": "/cases/",
    "agency": "/cases/",
    "handler": "/cases/queue/",
    "head": "/cases/extensions/",
    "supervisor": "/supervision/",
    "leader": "/stats/",
}


def _pages() -> dict:
    """Status and size of each role's first page (signed in through the test client)."""
    out = {}
    for username, url in PAGES.items():
        client = Client()
        client.force_login(User.objects.get(username=username))
        home = client.get("/")
        page = client.get(url)
        out[username] = {"home": home.status_code, "status": page.status_code, "body": page.content.decode()}
    return out


def _portal() -> dict:
    """The online service hall's people as the demo left them: each application's plain state, licences,
    consultations."""
    from govhall.cases.models import Consultation, Licence
    from govhall.portal.models import Application, CompanyMember
    from govhall.portal.plain import case_state

    applications = sorted(
        (
            app.owner.display_name,
            app.item.name,
            case_state(app.case.state).key if app.case_id else app.state,
        )
        for app in Application.objects.select_related("owner", "item", "case")
    )
    return {
        "applications": applications,
        "licences": sorted(Licence.objects.values_list("licence_type__name", "holder_name")),
        "staff": sorted(CompanyMember.objects.values_list("user__last_name", "role", "company__name")),
        "consultations": sorted(
            ("published" if c.published_at else c.case.state, c.case.channel)
            for c in Consultation.objects.filter(case__channel="online").select_related("case")
        ),
    }
