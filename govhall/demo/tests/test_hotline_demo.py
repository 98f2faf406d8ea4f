"""The demo city's hotline (issue 17): the reference data and a year of tickets, loaded once for the
module on top of the demo city (without the cases' living city, which the hotline does not need), at
Thursday 2026-12-03 15:00 with the living city's seed. The services commit, so the database is dropped and
migrated again before and after, as for the living city's tests."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from django.db.models import Count
from django.utils import timezone

from govhall.catalog.models import Hall, HallLevel
from govhall.demo.city import load_demo_city
from govhall.demo.hotline_demo import AREAS, FALLBACK
from govhall.demo.living import SEED, opening
from govhall.demo.living import hotline as traffic
from govhall.demo.rebuild import drop_and_migrate
from govhall.demo.tests.living import at, wipe
from govhall.hotline import queries
from govhall.hotline.models import (
    OPEN_DISPATCH_STATES,
    Area,
    Channel,
    Closure,
    Dispatch,
    DispatchState,
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
    assert states == set(TicketState.values), h["states"]
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


def desk(now) -> tuple[dict, Counter, Counter]:
    """The centre's lists and 城管局's lights at `now`: (list counts, signed lights, pending lights)."""
    unit = Dispatch.objects.filter(unit__code=traffic.DESK_UNIT)
    signed = queries.with_lights(unit.filter(state=DispatchState.SIGNED), now)
    pending = queries.with_lights(unit.filter(state=DispatchState.PENDING), now)
    return (
        queries.centre_counts(),
        Counter(signed.values_list("light", flat=True)),
        Counter(pending.values_list("light", flat=True)),
    )


def assert_work_waits(now) -> None:
    lists, signed, pending = desk(now)
    assert all(lists[name] >= n for name, n in traffic.DESK_LISTS.items()), lists
    assert all(signed[light] >= n for light, n in traffic.DESK_LIGHTS.items()), signed
    assert pending[lights.RED] >= 1, pending


def test_open_tickets_show_their_lights(db_access):
    open_dispatches = Dispatch.objects.filter(state__in=OPEN_DISPATCH_STATES)
    shown = Counter(queries.with_lights(open_dispatches, THURSDAY).values_list("light", flat=True))
    assert shown[lights.GREEN] > 20 and shown[lights.YELLOW] >= 2 and shown[lights.RED] >= 3, shown
    assert_work_waits(THURSDAY)


def test_the_last_weeks_hold_every_fate(db_access):
    moves = set(TicketEvent.objects.values_list("move", flat=True))
    assert {"accept_return", "reject_return", "approve_extension", "refuse_extension", "contribute"} <= moves
    assert {"redo", "confirm_close", "callback"} <= moves
    # The stubborn caller's ticket, redone until the redo limit: escalated (提级督办) to a supervision order.
    escalated = Ticket.objects.filter(escalated_order__isnull=False).select_related("escalated_order").get()
    assert escalated.escalated_order.state == "open"


def test_the_knowledge_base(db_access):
    from govhall.hotline.knowledge import queries as knowledge
    from govhall.hotline.knowledge import search
    from govhall.hotline.models import KnowledgeCitation, KnowledgeEntry, VersionState

    made = db_access["knowledge"]
    print("knowledge base loaded:", made)  # the seconds it took, with -s
    assert made["entries"] >= 300 and made["citations"] > 0
    pending = dict(KnowledgeEntry.objects.filter(pending__isnull=False).values_list("pk", "pending__state"))
    assert sorted(pending.values()) == [VersionState.APPROVAL, VersionState.DRAFT, VersionState.REVIEW]
    assert KnowledgeEntry.objects.filter(published__number=2).count() == 1
    assert KnowledgeCitation.objects.count() == made["citations"]
    today = THURSDAY.date()
    assert any(row["past_review"] for row in knowledge.upkeep(today))
    assert search.search("水费", today=today) and search.search("sfjn", today=today)


def test_the_year_has_a_hot_topic_on_the_board_and_in_the_hot_list(db_access):
    from govhall.demo.hotline_demo import area_code
    from govhall.demo.living.hotline_hot import SUBJECT
    from govhall.hotline import hot

    township = area_code("101")  # 普集镇
    board = hot.week_topics(hot.week_of(timezone.localdate(THURSDAY)), now=THURSDAY)
    assert [(t.area_code, t.subject_code) for t in board] == [(township, SUBJECT)], board
    listed = hot.month_list(date(2026, 11, 1), date(2026, 11, 30), now=THURSDAY)["topics"]
    [row] = [r for r in listed if (r["area"], r["subject"]) == (township, SUBJECT)]
    assert [w["week"] for w in row["weeks"]] == ["2026-11-16", "2026-11-23", "2026-11-30"]
    assert [bool(w["task"]) for w in row["weeks"]] == [False, True, False]
    assert db_access["hot_topic"]["proactive_task"] == row["weeks"][1]["task"]["number"]


def test_the_inspections_show_each_fate(db_access):
    """现场督查: one reply found done, one found not done (its ticket sent back for a new round), one task
    overdue (red) and a hall's inspection still in time."""
    from govhall.supervision.inspections import annotate_lights
    from govhall.supervision.models import Inspection, InspectionPhoto

    assert db_access["inspections"] == {"pending": 2, "done": 1, "not_done": 1}
    redone = Inspection.objects.get(state="not_done")
    ticket = Ticket.objects.get(pk=redone.target_id)
    assert ticket.state == TicketState.DISPATCHED and ticket.round == 1
    assert TicketEvent.objects.filter(ticket=ticket, move="inspection_redo").exists()
    lit = dict(
        annotate_lights(Inspection.objects.filter(state="pending"), THURSDAY).values_list("kind", "light")
    )
    assert lit == {"ticket": "red", "hall": "green"}
    assert InspectionPhoto.objects.count() == 2


MOMENTS = {"sunday-night": at("2026-12-06T02:00"), "monday": at("2026-12-07T08:40")}


# Last in the module: each load replaces the Thursday one.
@pytest.mark.parametrize("now", MOMENTS.values(), ids=MOMENTS.keys())
def test_work_waits_at_any_hour(db_access, now):
    """A month of light traffic at a Sunday night and just before Monday's office hours, when chance
    leaves the lists empty: the desk places the rest, and nothing lies after `now`."""
    drop_and_migrate(check=False)
    load_demo_city(now=opening(now))
    made = traffic.load_hotline(now=now, seed=SEED, days=30, per_day=3, service_days=14)
    assert any(key.startswith("desk_") for key in made["counts"]), made["counts"]
    assert_work_waits(now)
    assert not TicketEvent.objects.filter(at__gte=now - traffic.MARGIN).exists()
