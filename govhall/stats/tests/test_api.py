from __future__ import annotations

from govhall.core.api_errors import field_errors
from govhall.stats.tests.conftest import set_min_cases
from govhall.stats.tests.history import march


def test_leaders_get_the_indicators_and_others_do_not(world, client):
    march(world)
    client.force_login(world.users["clerk"])
    assert client.get("/api/v1/stats/?from=2026-03-01&to=2026-03-31").status_code == 403
    client.force_login(world.users["leader"])
    data = client.get("/api/v1/stats/?from=2026-03-01&to=2026-03-31").json()
    assert (data["totals"]["received"], data["totals"]["on_time_rate"]) == (8, 66.7)
    rows = client.get("/api/v1/stats/table/?from=2026-03-01&to=2026-03-31&by=department").json()
    assert [(r["name"], r["received"]) for r in rows] == [(world.department.name, 8)]


def test_a_bad_filter_names_the_field(world, client):
    client.force_login(world.users["leader"])
    response = client.get("/api/v1/stats/?from=2026-03-01&to=2026-02-01")
    assert response.status_code == 400 and "to" in field_errors(response.json())
    response = client.get("/api/v1/stats/?from=2026-03-01&to=2026-03-31&department=NOPE")
    assert response.status_code == 400 and "department" in field_errors(response.json())


def test_the_ranking(world, client):
    march(world)
    set_min_cases(1)
    client.force_login(world.users["supervisor"])
    data = client.get("/api/v1/stats/ranking/?from=2026-03-01&to=2026-03-31").json()
    assert [(r["rank"], r["code"], r["score"]) for r in data["ranked"]] == [(1, "SCJ", 64.19)]
    assert [(r["code"], r["reason"]) for r in data["not_ranked"]] == [
        ("ZJJ", "考核件数 0 件，少于最低要求 1 件")
    ]
    assert data["min_cases"] == 1 and data["weights"]["on_time_rate"] == 40
