"""The statistics of remote help on a small built spring: sessions by township hall, department and month
(outcomes, waiting and duration in minutes, ratings) and the first-time success rate of online
applications with and without remote help, per month — exact numbers, then the page and the API.

The spring (times local, 2026):

| session | asked by | in the queue | started | ended / moved | outcome | rated |
| --- | --- | --- | --- | --- | --- | --- |
| S1 (draft A) | resident | 03-02 09:00 | 09:10 | 09:40 | advised | 5 |
| S2 (draft B) | resident | 03-02 09:00 | 09:20 | 09:35 | draft improved | — |
| S3 (draft F) | resident | 03-03 10:00 | — | cancelled 10:05 | — | — |
| S4 | township clerk | 03-03 10:00 | 10:30 | 11:30 | advised | 2 |
| S5 | township clerk | 03-04 10:00 | — | no-show 10:10 | — | — |
| S6 | township clerk | 04-01 09:00 | 09:05 | (in progress) | — | — |
| S7 | resident | 04-01 09:00 | — | (waiting) | — | — |

Online applications decided at intake: A (helped) accepted at once 03-02; B (helped) returned for
correction 03-02, accepted 03-03; C accepted at once 03-03; D not accepted 03-03; F (its session cancelled:
not helped) accepted at once 03-04; E returned 03-30, accepted 04-01; a window case accepted 03-02 is not
online and does not count."""

from __future__ import annotations

from datetime import date

import pytest
from rest_framework.test import APIClient

from govhall.cases import services as cases
from govhall.cases.tests.factories import UserFactory
from govhall.core.api_errors import field_errors
from govhall.core.models import Role
from govhall.portal import queries_help_stats as figures
from govhall.portal import services
from govhall.portal.models import HelpOutcome
from govhall.portal.services import help as helping
from govhall.portal.services.help_rating import rate_help
from govhall.portal.tests.apply.support import upload
from govhall.portal.tests.help.conftest import at

SPRING = {"date_from": date(2026, 3, 1), "date_to": date(2026, 4, 30)}
OUTCOMES = {"advised": 0, "draft_improved": 0, "submitted": 0}


def _session(world, app, by, *, asked, started=None, clerk=None, ended=None, outcome=HelpOutcome.ADVISED):
    session = helping.request_help(app, by=by, now=at(asked))
    if started:
        session = helping.start_help(session, by=clerk or world.clerk, now=at(started), expected_version=None)
    if ended:
        session = helping.end_help(
            session, outcome=outcome, by=clerk or world.clerk, now=at(ended), expected_version=None
        )
    return session


def _submit(app, when):
    app.refresh_from_db()
    return services.submit_application(app, by=app.owner, now=at(when), expected_version=app.version).case


def _returned_then_accepted(world, case, app, *, notice, corrected, accepted):
    licence = world.world.item.materials.filter(required=True).first().pk
    clerk = world.world.users["clerk"]
    cases.request_supplement(case, missing=[licence], note="请更正", by=clerk, now=at(notice))
    services.upload_material(app, material=licence, file=upload("fixed.pdf"), by=app.owner, now=at(corrected))
    app.refresh_from_db()
    services.resubmit_correction(app, by=app.owner, now=at(corrected), expected_version=app.version)
    case.refresh_from_db()
    return cases.accept_case(case, by=clerk, now=at(accepted))


@pytest.fixture
def spring(world):
    clerk = world.world.users["clerk"]
    a, b, f = world.draft(), world.draft(), world.draft()
    s1 = _session(
        world,
        a,
        world.resident,
        asked="2026-03-02 09:00",
        started="2026-03-02 09:10",
        ended="2026-03-02 09:40",
    )
    rate_help(s1, level=5, by=world.resident, now=at("2026-03-02 10:00"))
    _session(
        world, b, world.resident, asked="2026-03-02 09:00", started="2026-03-02 09:20", clerk=world.colleague,
        ended="2026-03-02 09:35", outcome=HelpOutcome.DRAFT_IMPROVED,
    )  # fmt: skip
    s3 = _session(world, f, world.resident, asked="2026-03-03 10:00")
    helping.cancel_help(s3, by=world.resident, now=at("2026-03-03 10:05"), expected_version=None)
    s4 = _session(
        world, world.draft(world.township), world.township, asked="2026-03-03 10:00",
        started="2026-03-03 10:30", ended="2026-03-03 11:30",
    )  # fmt: skip
    rate_help(s4, level=2, reasons=["efficiency"], by=world.township, now=at("2026-03-03 12:00"))
    s5 = _session(world, world.draft(world.township), world.township, asked="2026-03-04 10:00")
    helping.mark_no_show(s5, by=world.clerk, now=at("2026-03-04 10:10"), expected_version=None)
    _session(
        world,
        world.draft(world.township),
        world.township,
        asked="2026-04-01 09:00",
        started="2026-04-01 09:05",
    )
    _session(world, world.draft(), world.resident, asked="2026-04-01 09:00")

    # the intake decisions of online applications
    cases.accept_case(_submit(a, "2026-03-02 10:00"), by=clerk, now=at("2026-03-02 15:00"))
    _returned_then_accepted(
        world, _submit(b, "2026-03-02 10:00"), b,
        notice="2026-03-02 15:00", corrected="2026-03-03 09:00", accepted="2026-03-03 15:00",
    )  # fmt: skip
    c, d, e = world.draft(), world.draft(), world.draft()
    cases.accept_case(_submit(c, "2026-03-02 11:00"), by=clerk, now=at("2026-03-03 09:00"))
    cases.reject_case(
        _submit(d, "2026-03-02 11:00"), reason="不属于本机关职权范围", by=clerk, now=at("2026-03-03 09:00")
    )
    cases.accept_case(_submit(f, "2026-03-03 11:00"), by=clerk, now=at("2026-03-04 09:00"))
    _returned_then_accepted(
        world, _submit(e, "2026-03-30 10:00"), e,
        notice="2026-03-30 15:00", corrected="2026-03-31 09:00", accepted="2026-04-01 09:00",
    )  # fmt: skip
    cases.accept_case(world.world.receive(at("2026-03-02 09:00")), by=clerk, now=at("2026-03-02 09:30"))
    return world


COLUMNS = (
    "label", "asked", "ended", "cancelled", "no_show", "waiting", "in_progress", "wait_minutes",
    "duration_minutes", "rated", "satisfied", "bad", "satisfaction_rate",
)  # fmt: skip


def pick(row: dict) -> tuple:
    return tuple(row[k] for k in COLUMNS)


@pytest.mark.parametrize(
    ("by", "rows", "total"),
    [
        (
            "hall",
            [
                # at home: S1 S2 S3 S7; waits 10, 20; durations 30, 15
                ("在家", 4, 2, 1, 0, 1, 0, 15.0, 22.5, 1, 1, 0, 100.0),
                # the township hall: S4 S5 S6; waits 30, 5; duration 60
                ("明水街道为民服务大厅", 3, 1, 0, 1, 0, 1, 17.5, 60.0, 1, 0, 1, 0.0),
            ],
            # waits 10 20 30 5 → 16.25 → 16.3 (half up); durations 30 15 60 → 35.0
            (None, 7, 3, 1, 1, 1, 1, 16.3, 35.0, 2, 1, 1, 50.0),
        ),
        (
            "month",
            [
                ("2026-03", 5, 3, 1, 1, 0, 0, 20.0, 35.0, 2, 1, 1, 50.0),
                ("2026-04", 2, 0, 0, 0, 1, 1, 5.0, None, 0, 0, 0, None),
            ],
            (None, 7, 3, 1, 1, 1, 1, 16.3, 35.0, 2, 1, 1, 50.0),
        ),
    ],
)
def test_sessions_by_hall_and_month(spring, by, rows, total):
    got = figures.sessions_by(by, at_home="在家", **SPRING)
    assert [pick(r) for r in got["rows"]] == rows
    assert pick(got["total"])[1:] == total[1:]


def test_sessions_by_department_and_their_outcomes(spring):
    got = figures.sessions_by("department", **SPRING)
    [row] = got["rows"]
    assert (row["key"], row["label"], row["asked"]) == (
        spring.world.department.pk, spring.world.department.name, 7,
    )  # fmt: skip
    assert row["outcomes"] == {**OUTCOMES, "advised": 2, "draft_improved": 1}


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        (
            SPRING,
            [
                # March: helped A (first time) B (returned); without: C (first time), D (not accepted), F
                ("2026-03", 2, 1, 50.0, 3, 2, 66.7),
                # April: E, returned in March and accepted 04-01
                ("2026-04", 0, 0, None, 1, 0, 0.0),
                (None, 2, 1, 50.0, 4, 2, 50.0),
            ],
        ),
        (
            {"date_from": date(2026, 3, 3), "date_to": date(2026, 3, 3)},
            # the day of the decision: B accepted, C accepted, D not accepted
            [("2026-03", 1, 0, 0.0, 2, 1, 50.0), (None, 1, 0, 0.0, 2, 1, 50.0)],
        ),
    ],
)
def test_first_time_success_with_and_without_remote_help(spring, period, expected):
    got = figures.first_time_success(**period)
    keys = ("month", "helped_decided", "helped_first_time", "helped_rate", "unhelped_decided")
    keys += ("unhelped_first_time", "unhelped_rate")
    assert [tuple(r[k] for k in keys) for r in [*got["rows"], got["total"]]] == expected


def test_a_period_without_sessions_lists_nothing(spring):
    got = figures.sessions_by("hall", date_from=date(2026, 5, 1), date_to=date(2026, 5, 31))
    assert (got["rows"], got["total"]["asked"], got["total"]["wait_minutes"]) == ([], 0, None)


# --- the page and the API -------------------------------------------------------------------------------


@pytest.fixture
def supervisor(db):
    return UserFactory(username="jiancha", role=Role.SUPERVISOR)


def test_the_page_shows_the_tables_to_a_supervisor(spring, supervisor, client):
    client.force_login(supervisor)
    response = client.get("/portal/help/stats/", {"from": "2026-03-01", "to": "2026-04-30"})
    assert response.status_code == 200
    html = response.content.decode()
    for part in (
        "help-by-hall",
        "help-by-department",
        "help-by-month",
        "help-first-time",
        'data-test="tab-help"',
    ):
        assert part in html
    assert "明水街道为民服务大厅" in html and "16.3" in html and "66.7" in html


@pytest.mark.parametrize(("who", "status"), [("clerk", 403), ("resident", 403)])
def test_the_page_and_the_api_are_for_statistics_roles(spring, client, who, status):
    user = getattr(spring, who)
    client.force_login(user)
    assert client.get("/portal/help/stats/").status_code == status
    api = APIClient()
    api.force_authenticate(user)
    assert api.get("/api/v1/portal/help/stats/").status_code == status


def test_the_api_gives_the_same_figures(spring, supervisor):
    api = APIClient()
    api.force_authenticate(supervisor)
    body = api.get("/api/v1/portal/help/stats/", {"from": "2026-03-01", "to": "2026-04-30"}).json()
    assert (body["from"], body["to"]) == ("2026-03-01", "2026-04-30")
    assert body["by_hall"]["total"]["asked"] == 7
    assert body["by_month"]["rows"][0]["duration_minutes"] == 35.0
    assert body["first_time_success"]["rows"][0]["unhelped_rate"] == 66.7


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2026-13-01"}, "from"),
        ({"from": "2026-04-01", "to": "2026-03-01"}, "to"),
        ({"from": "2025-01-01", "to": "2026-03-01"}, "from"),
    ],
)
def test_the_api_names_a_bad_period(supervisor, params, field):
    api = APIClient()
    api.force_authenticate(supervisor)
    response = api.get("/api/v1/portal/help/stats/", params)
    assert response.status_code == 400
    assert field in field_errors(response.json())


def test_the_stats_endpoint_is_in_the_openapi_schema(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    assert "get" in schema["paths"]["/api/v1/portal/help/stats/"]
