"""一次一评 of a remote help session: the asker rates the ended session once, with the hall's levels and
reasons; the rating is a visits Rating of the object "help" that counts in the department's and the clerk's
好差评 figures; a second rating, a session not ended, someone else and bad input are refused, nothing
written. The service, the API (/api/v1/portal/help/<id>/rating/) and the session's page."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from govhall.core.api_errors import field_errors
from govhall.portal.help_states import HelpMoveRefused
from govhall.portal.models import HelpEvent, HelpOutcome, HelpSession, HelpState
from govhall.portal.services import help as helping
from govhall.portal.services.help_rating import AlreadyRated, rate_help
from govhall.portal.tests.help.conftest import NOW
from govhall.stats import ratingstats
from govhall.stats.queries import Filters
from govhall.visits.models import FollowUp, RatedObject, Rating, RatingChannel

ENDED_AT = NOW + timedelta(minutes=20)
RATED_AT = NOW + timedelta(minutes=30)


def ended(world, by=None):
    session = world.started(by)
    return helping.end_help(
        session, outcome=HelpOutcome.DRAFT_IMPROVED, by=world.clerk, now=ENDED_AT,
        expected_version=session.version, corrected="联系电话已更正",
    )  # fmt: skip


def written() -> tuple[int, int, int]:
    return Rating.objects.count(), FollowUp.objects.count(), HelpEvent.objects.filter(move="rate").count()


# --- the service ---------------------------------------------------------------------------------------


def test_the_asker_rates_the_ended_session_as_the_hall_rates_a_visit(world):
    session = ended(world)
    rating = rate_help(session, level=5, comment="很耐心", by=world.resident, now=RATED_AT)

    assert (rating.rated, rating.channel, rating.level, rating.comment) == (
        RatedObject.HELP, RatingChannel.PORTAL, 5, "很耐心",
    )  # fmt: skip
    # who handled it ("谁办理、谁负责"): the department, its clerk at the centre, the item
    assert (rating.department, rating.clerk, rating.hall, rating.item_id) == (
        world.world.department, world.clerk, world.world.centre, session.item_id,
    )  # fmt: skip
    assert (rating.rater, rating.rated_at, rating.is_current, rating.counts) == (
        world.resident,
        RATED_AT,
        True,
        True,
    )
    session.refresh_from_db()
    assert session.rating == rating
    assert session.state == HelpState.ENDED
    event = session.events.get(move="rate")
    assert (event.from_state, event.to_state, event.by, event.at) == (
        "ended",
        "ended",
        world.resident,
        RATED_AT,
    )


def test_a_township_clerk_rates_the_session_they_asked_for(world):
    session = ended(world, world.township)
    rating = rate_help(session, level=4, by=world.township, now=RATED_AT)
    assert rating.rater == world.township


def test_a_second_rating_is_refused_and_nothing_is_written(world):
    session = ended(world)
    first = rate_help(session, level=2, reasons=["attitude"], by=world.resident, now=RATED_AT)
    before = written()
    with pytest.raises(AlreadyRated):
        rate_help(session, level=5, by=world.resident, now=RATED_AT + timedelta(minutes=1))
    assert written() == before
    assert HelpSession.objects.get(pk=session.pk).rating == first


@pytest.mark.parametrize("state", ["requested", "in_progress", "cancelled", "no_show"])
def test_only_an_ended_session_is_rated(world, state):
    session = {
        "requested": lambda: world.asked(),
        "in_progress": lambda: world.started(),
        "cancelled": lambda: helping.cancel_help(
            (s := world.asked()), by=world.resident, now=NOW, expected_version=s.version
        ),
        "no_show": lambda: helping.mark_no_show(
            (s := world.asked()), by=world.clerk, now=NOW, expected_version=s.version
        ),
    }[state]()
    before = written()
    with pytest.raises(HelpMoveRefused):
        rate_help(session, level=5, by=world.resident, now=RATED_AT)
    assert written() == before


@pytest.mark.parametrize("who", ["clerk", "colleague", "stranger"])
def test_only_the_asker_or_the_drafts_account_rates(world, who):
    session = ended(world)
    before = written()
    with pytest.raises(helping.HelpForbidden):
        rate_help(session, level=5, by=getattr(world, who), now=RATED_AT)
    assert written() == before


@pytest.mark.parametrize(
    ("values", "field", "code"),
    [
        ({"level": 0}, "level", "level_unknown"),
        ({"level": 6}, "level", "level_unknown"),
        ({"level": "很好"}, "level", "level_unknown"),
        ({"level": 2}, "reasons", "reason_required"),
        ({"level": 1, "reasons": ["rudeness"]}, "reasons", "reason_unknown"),
        ({"level": 5, "comment": "好" * 1001}, "comment", "comment_long"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(world, values, field, code):
    session = ended(world)
    before = written()
    with pytest.raises(ValidationError) as refused:
        rate_help(session, by=world.resident, now=RATED_AT, **values)
    assert [e.code for e in refused.value.error_dict[field]] == [code]
    assert written() == before
    assert HelpSession.objects.get(pk=session.pk).rating is None


def test_a_bad_rating_opens_the_departments_follow_up(world):
    rating = rate_help(
        ended(world), level=1, reasons=["attitude", "efficiency"], by=world.resident, now=RATED_AT
    )
    follow_up = FollowUp.objects.get(rating=rating)
    assert follow_up.department == world.world.department
    assert sorted(rating.reasons.values_list("code", flat=True)) == ["attitude", "efficiency"]


def test_it_counts_in_the_departments_and_the_clerks_figures(world):
    rate_help(ended(world), level=5, by=world.resident, now=RATED_AT)
    other = world.draft()
    session = helping.start_help(
        helping.request_help(other, by=world.resident, now=NOW),
        by=world.colleague,
        now=NOW,
        expected_version=1,
    )
    session = helping.end_help(
        session,
        outcome=HelpOutcome.ADVISED,
        by=world.colleague,
        now=ENDED_AT,
        expected_version=session.version,
    )
    rate_help(session, level=2, reasons=["efficiency"], by=world.resident, now=RATED_AT)
    march = Filters(date(2026, 3, 1), date(2026, 3, 31))

    by_department = ratingstats.table(march, "department", today=date(2026, 3, 31))
    assert by_department[world.world.department.pk]["rated"] == 2
    assert by_department[world.world.department.pk]["satisfaction_rate"] == 50.0
    by_clerk = ratingstats.table(march, "clerk", today=date(2026, 3, 31))
    assert {k: v["rated"] for k, v in by_clerk.items()} == {world.clerk.pk: 1, world.colleague.pk: 1}
    assert ratingstats.summary(march, today=date(2026, 3, 31))["bad"] == 1
    assert ratingstats.ratings_for(march, "bad", today=date(2026, 3, 31)).get().rated == "help"


# --- the API --------------------------------------------------------------------------------------------


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def url(session) -> str:
    return reverse("portal-api:help-rating", args=[session.pk])


def test_api_rates_once_then_answers_409(world):
    session = ended(world)
    assert api(world.resident).get(url(session)).status_code == 404
    response = api(world.resident).post(url(session), {"level": 4, "comment": "好"}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["session"], body["rated"], body["level"], body["channel"]) == (
        session.pk,
        "help",
        4,
        "portal",
    )
    assert (body["department"], body["clerk"], body["follow_up"]) == (
        world.world.department.name,
        "window",
        None,
    )

    again = api(world.resident).post(url(session), {"level": 1, "reasons": ["attitude"]}, format="json")
    assert (again.status_code, again.json()["code"]) == (409, "already_rated")
    assert Rating.objects.count() == 1
    assert api(world.resident).get(url(session)).json()["level"] == 4


@pytest.mark.parametrize(
    ("who", "status"),
    [("clerk", 403), ("stranger", 404), ("colleague", 403)],
)
def test_api_refuses_others(world, who, status):
    session = ended(world)
    response = api(getattr(world, who)).post(url(session), {"level": 5}, format="json")
    assert response.status_code == status
    assert Rating.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "level"),
        ({"level": 9}, "level"),
        ({"level": 2}, "reasons"),
        ({"level": 1, "reasons": ["nope"]}, "reasons"),
        ({"level": 5, "comment": "长" * 1001}, "comment"),
    ],
)
def test_api_bad_input_is_400_on_the_field(world, body, field):
    session = ended(world)
    response = api(world.resident).post(url(session), body, format="json")
    assert response.status_code == 400
    assert field in field_errors(response.json())
    assert Rating.objects.count() == 0


def test_api_a_cancelled_session_is_not_rated(world):
    session = world.asked()
    session = helping.cancel_help(session, by=world.resident, now=NOW, expected_version=session.version)
    response = api(world.resident).post(url(session), {"level": 5}, format="json")
    assert (response.status_code, response.json()["code"]) == (409, "transition_not_allowed")


def test_the_rating_endpoint_is_in_the_openapi_schema(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    operations = schema["paths"]["/api/v1/portal/help/{id}/rating/"]
    assert set(operations) >= {"get", "post"}


# --- the page -------------------------------------------------------------------------------------------


def test_the_ended_page_shows_the_form_then_the_rating(world, client):
    session = ended(world)
    page = reverse("portal:help-session", args=[session.pk])
    client.force_login(world.resident)
    html = client.get(page).content.decode()
    assert 'data-test="help-rating-form"' in html

    response = client.post(reverse("portal:help-rate", args=[session.pk]), {"level": "3", "comment": "还行"})
    assert response.status_code == 302
    html = client.get(page).content.decode()
    assert 'data-test="help-rating-current" data-level="3"' in html
    assert 'data-test="help-rating-form"' not in html


def test_the_page_shows_a_refusal_on_the_form(world, client):
    session = ended(world)
    client.force_login(world.resident)
    response = client.post(reverse("portal:help-rate", args=[session.pk]), {"level": "1"})
    assert response.status_code == 400
    assert 'data-test="error-summary"' in response.content.decode()
    assert Rating.objects.count() == 0


def test_the_clerk_sees_no_rating_form(world, client):
    session = ended(world)
    client.force_login(world.clerk)
    html = client.get(reverse("portal:help-session", args=[session.pk])).content.decode()
    assert "help-rating" not in html
