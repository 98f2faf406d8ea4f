"""The public read API under /api/v1/."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from govhall.core.api_errors import field_errors
from govhall.workdays import calendar


@pytest.fixture
def api():
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


def test_add_answers_the_date_with_provisional_flag_and_version(seeded_calendar, api):
    response = api.get("/api/v1/workdays/add", {"date": "2026-09-30", "n": 5})
    assert response.status_code == 200
    assert response.json() == {
        "start": "2026-09-30",
        "n": 5,
        "date": "2026-10-13",
        "provisional": False,
        "calendar_version": calendar.calendar_version(),
    }


def test_add_into_an_unpublished_year_is_provisional(seeded_calendar, api):
    body = api.get("/api/v1/workdays/add", {"date": "2026-12-20", "n": 10}).json()
    assert (body["date"], body["provisional"]) == ("2027-01-04", True)


def test_between_counts_make_up_days(seeded_calendar, api):
    body = api.get("/api/v1/workdays/between", {"a": "2026-09-30", "b": "2026-10-10"}).json()
    assert body["workdays"] == 3
    assert body["provisional"] is False


@pytest.mark.parametrize(
    ("url", "params", "field", "rule"),
    [
        ("/api/v1/workdays/add", {"date": "2026-13-01", "n": 5}, "date", "Date has wrong format"),
        ("/api/v1/workdays/add", {"date": "2026-09-30"}, "n", "required"),
        ("/api/v1/workdays/add", {"date": "2026-09-30", "n": "x"}, "n", "valid integer"),
        ("/api/v1/workdays/add", {"date": "2026-09-30", "n": 100000}, "n", "less than or equal to 5000"),
        (
            "/api/v1/workdays/add",
            {"date": "1990-01-01", "n": 1},
            "date",
            "Dates are accepted from 2000-01-01",
        ),
        ("/api/v1/workdays/add", {"date": "2100-12-30", "n": 10}, "n", "ends on 2100-12-31"),
        ("/api/v1/workdays/between", {"a": "2026-09-30"}, "b", "required"),
        ("/api/v1/calendar/days", {}, "year", "required"),
        ("/api/v1/calendar/days", {"year": 1800}, "year", "greater than or equal to 2000"),
    ],
)
def test_a_bad_query_answers_400_naming_the_field_and_the_rule(
    seeded_calendar, api, url, params, field, rule
):
    response = api.get(url, params)
    assert response.status_code == 400
    assert rule in " ".join(field_errors(response.json())[field])


def test_calendar_days_lists_the_special_days_of_a_year(seeded_calendar, api):
    days = api.get("/api/v1/calendar/days", {"year": 2026}).json()
    assert {
        "date": "2026-01-04",
        "is_workday": True,
        "name": "元旦调休上班",
        "source": "chinesecalendar 1.11.0",
        "scope": "national",
    } in days
    assert len(days) == 39


def test_calendar_years_lists_the_official_years(seeded_calendar, api):
    years = api.get("/api/v1/calendar/years").json()
    assert [y["year"] for y in years] == list(range(2004, 2027))


def test_errors_speak_chinese_to_a_chinese_client(seeded_calendar):
    response = APIClient(HTTP_ACCEPT_LANGUAGE="zh-hans").get(
        "/api/v1/workdays/add", {"date": "1990-01-01", "n": 1}
    )
    assert (
        "必须" in field_errors(response.json())["date"][0]
        or "之间" in field_errors(response.json())["date"][0]
    )


def test_the_schema_documents_the_query_parameters(db, api):
    schema = api.get("/api/schema/", {"format": "json"}).json()
    parameters = {p["name"] for p in schema["paths"]["/api/v1/workdays/add"]["get"]["parameters"]}
    assert parameters == {"date", "n"}
    assert "/api/v1/calendar/years" in schema["paths"]
