"""The hot requests of a busy hall stay at a few statements each (bench/visits_queue.py measures them)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from govhall.visits.devices import kiosk_token
from govhall.visits.models import Visit


def count(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_taking_calling_and_polling_take_few_statements(hall):
    kiosk, clerk = APIClient(), APIClient()
    clerk.force_authenticate(hall.world.users["clerk"])
    body = {"hall": hall.world.centre.code, "group": "A", "device": kiosk_token(hall.world.centre)}
    kiosk.post("/api/v1/visits/tickets/", body, format="json")
    taking = count(lambda: kiosk.post("/api/v1/visits/tickets/", body, format="json"))
    w = hall.windows[0].pk
    calling = count(lambda: clerk.post(f"/api/v1/visits/windows/{w}/call-next/"))
    pk = Visit.objects.get(state="called").pk
    starting = count(lambda: clerk.post(f"/api/v1/visits/visits/{pk}/start/", {}, format="json"))
    finishing = count(lambda: clerk.post(f"/api/v1/visits/visits/{pk}/finish/", {}, format="json"))
    polling = count(lambda: kiosk.get(f"/visits/display/{hall.world.centre.code}/calls/", {"v": "x"}))
    print(f"take {taking} · call {calling} · start {starting} · finish {finishing} · poll {polling}")
    limits = (12, 10, 6, 6, 4)
    counted = (taking, calling, starting, finishing, polling)
    assert all(c <= limit for c, limit in zip(counted, limits, strict=True)), counted
