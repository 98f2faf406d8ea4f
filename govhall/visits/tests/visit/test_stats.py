"""Waiting and service times reach the statistics page and API; leaders see them, clerks do not."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from govhall.visits.services import visit as services


def served_visit(hall):
    now = timezone.now()
    w, clerk = hall.windows[0], hall.world.users["clerk"]
    services.take_number(group=hall.group_a, now=now - timedelta(minutes=20))
    v = services.call_next(window=w, clerk=clerk, now=now - timedelta(minutes=14))
    v = services.start_service(v, window=w, now=now - timedelta(minutes=13))
    return services.finish_service(v, window=w, now=now - timedelta(minutes=5))


def test_the_statistics_page_shows_waiting_and_service_times(hall):
    served_visit(hall)
    c = Client()
    c.force_login(hall.world.users["leader"])
    r = c.get("/stats/visits/")
    assert r.status_code == 200
    assert r.context["rows"][0]["wait_minutes"] == 6.0 and r.context["rows"][0]["service_minutes"] == 8.0
    c.force_login(hall.world.users["clerk"])
    assert c.get("/stats/visits/").status_code == 403


def test_the_statistics_api_gives_the_same_rows(hall):
    served_visit(hall)
    api = APIClient()
    api.force_authenticate(hall.world.users["supervisor"])
    r = api.get("/api/v1/stats/visits/")
    assert r.status_code == 200
    assert [(x["group"], x["visits"], x["served"]) for x in r.json()["rows"]] == [("A", 1, 1)]
    assert api.get("/api/v1/stats/visits/", {"from": "2026-13-01"}).status_code == 400
