"""The channels of 好差评: the portal's case page, the public page with the code on a notice, the website
feedback, the invitation (sent once), the window tablet and the hotline operator."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from govhall.cases.tests.factories import PERSON
from govhall.portal.models import InboxMessage, TextMessage
from govhall.portal.rating_invite import invite_unrated, send_invitation
from govhall.portal.tests.conftest import applicant
from govhall.visits.models import FollowUp, Rating, RatingInvitation, VisitState
from govhall.visits.rating_codes import code_matches, rating_code
from govhall.visits.services import ratings
from govhall.visits.tests.ratings.conftest import at, concluded_case, done_visit, rejected_case
from govhall.visits.views_ratings import TABLET_COOKIE

MONDAY = at("2026-03-02 09:00")


@pytest.fixture
def client(db) -> Client:
    c = Client()
    c.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return c


@pytest.fixture
def zhang(world):
    return applicant("zhang", phone="13900000001", id_number=PERSON.id_number, now=MONDAY)


# --- the portal: my application's page ---


def test_my_case_shows_the_rating_panel_only_once_concluded(world, zhang, client):
    open_case = world.accepted(MONDAY)
    client.force_login(zhang)
    page = client.get(reverse("portal:my-case", args=[open_case.number])).content.decode()
    assert 'data-test="my-rating"' not in page
    case = concluded_case(world, MONDAY)
    page = client.get(reverse("portal:my-case", args=[case.number])).content.decode()
    assert 'data-test="rating-form"' in page and "Very satisfied" in page


def test_a_citizen_rates_and_sees_the_current_rating(world, zhang, client):
    case = rejected_case(world, MONDAY)
    client.force_login(zhang)
    url = reverse("portal:my-case-rate", args=[case.number])
    response = client.post(url, {"level": "1", "comment": "态度差"})
    assert response.status_code == 200 and b"needs at least one reason" in response.content
    assert not Rating.objects.exists()
    response = client.post(url, {"level": "1", "reasons": ["attitude"], "comment": "态度差"})
    assert response.status_code == 302
    rating = Rating.objects.get()
    assert (rating.channel, rating.rater, rating.level) == ("portal", zhang, 1)
    assert FollowUp.objects.filter(rating=rating).exists()
    page = client.get(reverse("portal:my-case", args=[case.number])).content.decode()
    assert 'data-test="my-rating-current" data-level="1"' in page


def test_another_persons_case_cannot_be_rated_from_the_portal(world, client):
    case = rejected_case(world, MONDAY)
    client.force_login(applicant("stranger", phone="13900000009"))
    response = client.post(reverse("portal:my-case-rate", args=[case.number]), {"level": "5"})
    assert response.status_code == 404 and not Rating.objects.exists()


# --- the code on a notice ---


def test_the_code_is_an_hmac_of_the_case_and_differs_per_case(world):
    first, second = rejected_case(world, MONDAY), rejected_case(world, MONDAY)
    assert len(rating_code(first)) == 8 and rating_code(first) != rating_code(second)
    assert code_matches(first, rating_code(first).lower()) and not code_matches(first, rating_code(second))


def test_the_notice_prints_the_rating_link_and_code(world, zhang, client):
    case = rejected_case(world, MONDAY)
    client.force_login(zhang)
    page = client.get(reverse("portal:my-notice", args=[case.number, "rejection"])).content.decode()
    assert 'data-test="notice-rating"' in page and rating_code(case) in page
    assert f"/portal/rate/?number={case.number}" in page


@pytest.mark.parametrize(("code_ok", "rated"), [(True, True), (False, False)])
def test_rating_by_number_and_code_without_signing_in(world, client, code_ok, rated):
    case = concluded_case(world, MONDAY)
    code = rating_code(case) if code_ok else "ABCDEFGH"
    response = client.post(reverse("portal:rate"), {"number": case.number, "code": code, "level": "5"})
    assert Rating.objects.filter(case=case, channel="notice").exists() is rated
    if not rated:
        assert response.status_code == 200 and b"No case with this number and rating code" in response.content


def test_the_website_is_rated_from_the_feedback_link(world, client, settings):
    settings.GOVHALL_FOLLOWUP_DEPARTMENT = world.department.code
    page = client.get(reverse("portal:search")).content.decode()
    assert reverse("portal:feedback") in page
    response = client.post(reverse("portal:feedback"), {"level": "2", "reasons": ["other"], "comment": "慢"})
    assert response.status_code == 302
    rating = Rating.objects.get(rated="website")
    assert rating.follow_up.department == world.department


# --- the invitation ---


def test_an_unrated_concluded_case_is_invited_once(world, zhang, settings):
    settings.GOVHALL_RATING_INVITE_DAYS = 3
    case = concluded_case(world, MONDAY)
    assert invite_unrated(now=MONDAY + timedelta(days=2)) == 0
    assert invite_unrated(now=MONDAY + timedelta(days=3, minutes=1)) == 1
    assert invite_unrated(now=MONDAY + timedelta(days=4)) == 0
    invitation = RatingInvitation.objects.get(case=case)
    assert send_invitation(invitation, now=MONDAY + timedelta(days=5)) is False  # already claimed
    message = InboxMessage.objects.get(kind="rating_invitation")
    assert message.recipient == zhang and rating_code(case) in message.text
    assert list(TextMessage.objects.filter(case=case).values_list("phone", flat=True)) == ["13900000001"]


def test_a_rated_case_is_not_invited(world, zhang):
    case = concluded_case(world, MONDAY)
    ratings.rate_case(case, level=5, channel="portal", now=MONDAY)
    assert invite_unrated(now=MONDAY + timedelta(days=4)) == 0
    assert not InboxMessage.objects.filter(kind="rating_invitation").exists()


def test_old_cases_are_not_invited(world, zhang):
    concluded_case(world, MONDAY)
    assert invite_unrated(now=MONDAY + timedelta(days=60)) == 0


# --- the window tablet ---


@pytest.fixture
def tablet_client(world, client):
    _, token = ratings.pair_tablet(window=world.window, name="01", now=MONDAY)
    response = client.get(reverse("visits:tablet-pair", args=[token]))
    assert response.status_code == 302 and client.cookies[TABLET_COOKIE].value == token
    return client


def test_an_unpaired_device_is_refused(world, client):
    client.cookies[TABLET_COOKIE] = "guess"
    assert client.get(reverse("visits:tablet")).status_code == 403


def test_the_tablet_token_is_stored_hashed(world):
    tablet, token = ratings.pair_tablet(window=world.window, now=MONDAY)
    assert token not in tablet.token_hash and len(tablet.token_hash) == 64


def test_the_tablet_takes_a_rating_after_the_visit_is_done(world, tablet_client, settings):
    from django.utils import timezone

    now = timezone.now()
    hx = {"HTTP_HX_REQUEST": "true"}
    assert b'data-test="tablet-idle"' in tablet_client.get(reverse("visits:tablet"), **hx).content
    serving = done_visit(world, now, state=VisitState.SERVING)
    assert b'data-test="tablet-idle"' in tablet_client.get(reverse("visits:tablet"), **hx).content
    visit = done_visit(world, now)
    screen = tablet_client.get(reverse("visits:tablet"), **hx).content.decode()
    assert f'data-visit="{visit.pk}"' in screen and 'data-test="tablet-level-1"' in screen
    # A bad level asks for the reasons; sending none asks again.
    screen = tablet_client.post(reverse("visits:tablet-rate"), {"visit": visit.pk, "level": 1}, **hx)
    assert b'data-test="tablet-reasons"' in screen.content and not Rating.objects.exists()
    screen = tablet_client.post(
        reverse("visits:tablet-rate"), {"visit": visit.pk, "level": 1, "asked": 1}, **hx
    )
    assert b"Please choose at least one reason" in screen.content
    screen = tablet_client.post(
        reverse("visits:tablet-rate"), {"visit": visit.pk, "level": 1, "reasons": ["efficiency"]}, **hx
    )
    assert b'data-test="tablet-thanks"' in screen.content
    rating = Rating.objects.get(visit=visit)
    assert (rating.channel, rating.window, rating.clerk) == ("tablet", world.window, world.users["clerk"])
    assert FollowUp.objects.filter(rating=rating).exists()
    assert b'data-test="tablet-idle"' in tablet_client.get(reverse("visits:tablet"), **hx).content
    assert serving.ratings.count() == 0


def test_the_tablet_cannot_rate_another_windows_visit(world, tablet_client):
    from django.utils import timezone

    from govhall.catalog.tests.factories import WindowFactory

    other = done_visit(world, timezone.now(), window=WindowFactory(hall=world.centre, number="02"))
    tablet_client.post(reverse("visits:tablet-rate"), {"visit": other.pk, "level": 5})
    assert not Rating.objects.exists()


# --- the hotline operator ---


def test_the_operator_records_a_rating_given_by_phone(world, client):
    case = rejected_case(world, MONDAY)
    client.force_login(world.users["operator"])
    url = reverse("visits:phone-rating") + f"?number={case.number}"
    page = client.get(url).content.decode()
    assert 'data-test="phone-form"' in page
    response = client.post(url, {"level": "4", "comment": "电话回访", "rater_phone": ""})
    assert b"needs the rater" in response.content and not Rating.objects.exists()
    response = client.post(url, {"level": "4", "comment": "电话回访", "rater_phone": "13812345678"})
    assert response.status_code == 302
    rating = Rating.objects.get()
    assert (rating.channel, rating.recorded_by, rating.rater_phone) == (
        "phone",
        world.users["operator"],
        "13812345678",
    )


def test_the_operator_finds_a_visit_by_queue_number_and_day(world, client):
    visit = done_visit(world, MONDAY)
    client.force_login(world.users["operator"])
    url = reverse("visits:phone-rating") + f"?number={visit.number}&day=2026-03-02"
    assert 'data-test="phone-form"' in client.get(url).content.decode()
    client.post(url, {"level": "5", "rater_phone": "13812345678"})
    assert Rating.objects.get().visit == visit


def test_a_clerk_may_not_record_phone_ratings(world, client):
    client.force_login(world.users["clerk"])
    assert client.get(reverse("visits:phone-rating")).status_code == 403


def test_the_pdf_notices_of_a_rateable_case_carry_the_rating_line(world, zhang, client):
    from govhall.visits.templatetags.rating_links import rating_line

    case = rejected_case(world, MONDAY)
    assert rating_code(case) in rating_line(case, "rejection") and rating_line(case, "acceptance") == ""
    client.force_login(zhang)
    response = client.get(reverse("portal:my-notice-pdf", args=[case.number, "rejection"]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_my_case_offers_an_appointment_while_a_visit_may_be_needed(world, zhang, client):
    """预约办理 from my applications: while the case is being handled (or needs a correction, or its result
    waits at the window), when a window group serves its item."""
    from govhall.visits.models import WindowGroup

    group = WindowGroup.objects.create(hall=world.centre, code="A", name="市场准入")
    group.items.set([world.item])
    client.force_login(zhang)
    open_case = world.accepted(MONDAY)
    page = client.get(reverse("portal:my-case", args=[open_case.number])).content.decode()
    assert f'href="{reverse("visits:book", args=[world.item.code])}"' in page
    group.items.clear()
    page = client.get(reverse("portal:my-case", args=[open_case.number])).content.decode()
    assert 'data-test="book-visit"' not in page
