"""Concurrent writers on PostgreSQL: a slot never takes more bookings than its capacity, numbers never
repeat, and two windows never call the same number. Each thread has its own connection."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from govhall.cases.tests.factories import UserFactory
from govhall.core.models import Role
from govhall.visits.models import Slot, Visit
from govhall.visits.services import visit as services
from govhall.visits.tests.visit.conftest import at, make_hall

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 8


def run_together(work, n: int = THREADS) -> list:
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def target(i: int) -> None:
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:  # the test looks at what each thread met
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_concurrent_bookings_never_exceed_the_capacity(seeded_calendar):
    hall = make_hall()
    now = at("2026-03-02 08:00")
    services.generate_slots(start=date(2026, 3, 2), days=1, now=now)
    slot = Slot.objects.get(group=hall.group_a, start_at=at("2026-03-02 09:00"))
    people = [UserFactory(username=f"resident{i}", role=Role.APPLICANT) for i in range(THREADS)]

    results = run_together(lambda i: services.book_slot(slot=slot, person=people[i], now=now))

    booked = [r for r in results if not isinstance(r, Exception)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert (len(booked), len(refused)) == (slot.capacity, THREADS - slot.capacity)
    slot.refresh_from_db()
    assert slot.booked == slot.capacity == slot.bookings.count()


def test_concurrent_tickets_get_distinct_numbers(seeded_calendar):
    hall = make_hall()
    now = at("2026-03-02 09:00")
    results = run_together(lambda i: services.take_number(group=hall.group_a, now=now).number)
    assert sorted(results) == [f"A{n:03d}" for n in range(1, THREADS + 1)]


def test_two_windows_never_call_the_same_number(seeded_calendar):
    hall = make_hall()
    now = at("2026-03-02 09:00")
    windows = []
    for n in range(THREADS):
        from govhall.catalog.models import Window

        w = Window.objects.create(hall=hall.world.centre, number=f"1{n}", name=f"窗口1{n}")
        hall.group_a.windows.add(w)
        windows.append(w)
    for _ in range(THREADS - 2):
        services.take_number(group=hall.group_a, now=now)
    clerk = hall.world.users["clerk"]

    results = run_together(lambda i: services.call_next(window=windows[i], clerk=clerk, now=now))

    called = [v for v in results if isinstance(v, Visit)]
    assert all(r is None or isinstance(r, Visit) for r in results), results
    assert len(called) == THREADS - 2
    assert len({v.pk for v in called}) == len(called)
    assert len({v.window_id for v in called}) == len(called)
