"""The demo city's hotline (issue 17): the reference data and a year of tickets, loaded once for the
module on top of the demo city (without the cases' living city, which the hotline does not need), at
Thursday 2026-12-03 15:00 with the living city's seed. The services commit, so the database is dropped and
migrated again before and after, as for the living city's tests."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db.models import Count

from govhall.catalog.models import Hall, HallLevel
from govhall.demo.city import load_demo_city
from govhall.demo.hotline_demo import AREAS, FALLBACK
from govhall.demo.living import SEED, opening
from govhall.demo.living import hotline as traffic
from govhall.demo.rebuild import drop_and_migrate
from govhall.demo.tests.living import at, wipe
from govhall.hotline.models import (
    OPEN_DISPATCH_STATES,
    Area,
    Channel,
    Closure,
    Dispatch,
    Subject,
    Ticket,
    TicketCounter,
    TicketEvent,
    TicketState,
)
from govhall.hotline.services.intake import route
from govhall.supervision import lights

THURSDAY = at("2026-12-03T15:00")


@pytest.fixture(scope="module")
def hotline(django_db_setup, django_db_blocker) -> dict:
    with django_db_blocker.unblock():
        try:
            drop_and_migrate(check=False)
            load_demo_city(now=opening(THURSDAY))
            yield traffic.load_hotline(now=THURSDAY, seed=SEED)
        finally:
            wipe()


@pytest.fixture
def db_access(hotline, django_db_blocker):
    with django_db_blocker.unblock():
        yield hotline


def test_the_reference(db_access):
    assert [Subject.objects.filter(level=n).count() for n in (1, 2, 3)] == [12, 40, 120]
    townships = set(Hall.objects.filter(level=HallLevel.TOWNSHIP).values_list("name", flat=True))
    areas = list(Area.objects.values_list("name", flat=True))
    assert areas == [name for _suffix, name in AREAS]
    assert all(f"{name}为民服务大厅" in townships for name in areas)
    # The catalogue sends every public subject somewhere other than the fallback, but 政务服务 (12).
    for subject in Subject.objects.filter(level=3).exclude(code__startswith="12"):
        assert route(subject, Area.objects.first(), now=THURSDAY).lead.code != FALLBACK, subject


def test_a_year_of_tickets_in_every_state(db_access):
    h = db_access
    assert h["days"] == 365 and 4000 < h["tickets"] < 7000, h
    assert h["seconds"] < 120
    states = set(Ticket.objects.values_list("state", flat=True))
    expected = set(TicketState.values) if traffic.handling else {"registered", "dispatched", "closed"}
    assert states == expected, h["states"]
    assert set(Ticket.objects.values_list("channel", flat=True)) == set(Channel.values)
    closures = set(Ticket.objects.exclude(closure="").values_list("closure", flat=True))
    assert closures == set(Closure.values)


def test_invariants(db_access):
    closed = Ticket.objects.filter(state=TicketState.CLOSED)
    assert not closed.filter(closure="").exists()
    assert not closed.filter(closed_at__isnull=True).exists()
    assert not closed.exclude(closure=Closure.ON_CALL).filter(replied_at__isnull=True).exists()
    after_reply = (TicketState.REPLIED, TicketState.REVIEW, TicketState.CLOSED)
    open_after_reply = Dispatch.objects.filter(ticket__state__in=after_reply, state__in=OPEN_DISPATCH_STATES)
    assert not open_after_reply.exists()
    dispatched = Ticket.objects.filter(state__in=(TicketState.DISPATCHED, TicketState.HANDLING))
    assert not dispatched.annotate(n=Count("dispatches")).filter(n=0).exists()
    assert not Ticket.objects.filter(received_at__gte=THURSDAY).exists()
    assert not TicketEvent.objects.filter(at__gte=THURSDAY).exists()
    # Every ticket's log starts with its registration and a closed one's ends closed.
    first = {}
    last = {}
    for ticket_id, move, to_state in TicketEvent.objects.order_by("at", "id").values_list(
        "ticket_id", "move", "to_state"
    ):
        first.setdefault(ticket_id, move)
        last[ticket_id] = to_state
    assert set(first.values()) == {"register"}
    assert all(last[pk] == "closed" for pk in closed.values_list("pk", flat=True))
    # The daily counters match the numbers given.
    per_day = Counter(n[6:14] for n in Ticket.objects.values_list("number", flat=True))
    counters = {f"{c.date:%Y%m%d}": c.last for c in TicketCounter.objects.all()}
    assert counters == dict(per_day)


def test_open_tickets_show_their_lights(db_access):
    open_dispatches = Dispatch.objects.filter(state__in=OPEN_DISPATCH_STATES)
    assert open_dispatches.exists()
    shown = Counter()
    for d in open_dispatches:
        shown[
            lights.RED if d.due_at <= THURSDAY else lights.YELLOW if d.warn_at <= THURSDAY else lights.GREEN
        ] += 1
    if traffic.handling is None:  # nobody signs for them yet: the two-hour sign-for limit has passed
        assert shown[lights.RED] > 100, shown
        return
    # Green always; yellow and red depend on the late fates of the last days (not yet planned for).
    assert shown[lights.GREEN] > 20, shown


@pytest.mark.skipif(traffic.handling is None, reason="the handling services are not merged yet")
def test_the_last_weeks_hold_every_fate(db_access):
    moves = set(TicketEvent.objects.values_list("move", flat=True))
    assert {"accept_return", "reject_return", "approve_extension", "refuse_extension", "contribute"} <= moves
    assert {"redo", "confirm_close", "callback"} <= moves
    # The stubborn caller's ticket, redone until the redo limit: escalated (提级督办) when time allowed.
    assert Ticket.objects.filter(escalated_order__isnull=False).count() <= 1
