"""The rules of 好差评, each refused with the field and the rule named and nothing written."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from govhall.visits.models import FollowUp, Rating, RatingChannel, RatingReason, VisitState
from govhall.visits.services import ratings
from govhall.visits.tests.ratings.conftest import at, concluded_case, done_visit, rejected_case

MONDAY = at("2026-03-02 09:00")


def refusal(exc: pytest.ExceptionInfo) -> tuple[str, str]:
    field, errors = next(iter(exc.value.error_dict.items()))
    return field, errors[0].code


def test_the_reasons_are_seeded_in_order(db):
    assert list(RatingReason.objects.values_list("name", flat=True)) == [
        "态度", "效率", "流程", "材料要求", "环境", "其他",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("level", "reasons", "field", "code"),
    [
        (0, [], "level", "level_unknown"),
        (6, [], "level", "level_unknown"),
        ("x", [], "level", "level_unknown"),
        (2, [], "reasons", "reason_required"),
        (1, [], "reasons", "reason_required"),
        (1, ["no-such"], "reasons", "reason_unknown"),
    ],
)
def test_bad_input_is_refused_and_nothing_written(world, level, reasons, field, code):
    case = rejected_case(world, MONDAY)
    with pytest.raises(ValidationError) as exc:
        ratings.rate_case(case, level=level, reasons=reasons, channel=RatingChannel.PORTAL, now=MONDAY)
    assert refusal(exc) == (field, code)
    assert not Rating.objects.exists() and not FollowUp.objects.exists()


def test_an_inactive_reason_does_not_count(world):
    RatingReason.objects.filter(code="attitude").update(is_active=False)
    case = rejected_case(world, MONDAY)
    with pytest.raises(ValidationError) as exc:
        ratings.rate_case(case, level=1, reasons=["attitude"], channel="portal", now=MONDAY)
    assert refusal(exc) == ("reasons", "reason_unknown")


def test_an_unconcluded_case_cannot_be_rated(world):
    case = world.accepted(MONDAY)
    with pytest.raises(ValidationError) as exc:
        ratings.rate_case(case, level=5, channel="portal", now=MONDAY)
    assert refusal(exc) == ("case", "case_not_concluded")
    assert "concluded" in str(exc.value)
    assert not Rating.objects.exists()


@pytest.mark.parametrize("state", [VisitState.WAITING, VisitState.CALLED, VisitState.SERVING])
def test_a_visit_not_done_cannot_be_rated(world, state):
    visit = done_visit(world, MONDAY, state=state)
    with pytest.raises(ValidationError) as exc:
        ratings.rate_visit(visit, level=5, channel="tablet", now=MONDAY)
    assert refusal(exc) == ("visit", "visit_not_done")


@pytest.mark.parametrize("make", [rejected_case, concluded_case])
def test_a_concluded_or_rejected_case_is_rated_with_who_handled_it(world, make):
    case = make(world, MONDAY)
    rating = ratings.rate_case(case, level=4, comment="很快", channel="portal", now=MONDAY)
    assert (rating.rated, rating.level, rating.is_current, rating.comment) == ("case", 4, True, "很快")
    assert rating.department == world.department
    assert (rating.hall, rating.window, rating.item) == (world.centre, world.window, world.item)
    assert rating.clerk == world.users["clerk"]
    assert not FollowUp.objects.exists()


def test_a_visit_rating_copies_window_clerk_hall_item(world):
    visit = done_visit(world, MONDAY)
    rating = ratings.rate_visit(visit, level=5, channel="tablet", now=MONDAY)
    assert (rating.window, rating.clerk, rating.hall) == (world.window, world.users["clerk"], world.centre)
    assert (rating.item, rating.department) == (world.item, world.department)
    assert rating.rater_phone == "13900001111"


def test_a_bad_rating_opens_a_follow_up_for_the_department(world):
    case = rejected_case(world, MONDAY)
    rating = ratings.rate_case(
        case, level=1, reasons=["attitude", "efficiency"], comment="等太久", channel="portal", now=MONDAY
    )
    assert sorted(rating.reasons.values_list("code", flat=True)) == ["attitude", "efficiency"]
    follow_up = FollowUp.objects.get(rating=rating)
    assert follow_up.department == world.department


@pytest.mark.parametrize(
    ("later", "allowed"),
    [
        (timedelta(hours=1), True),
        (timedelta(days=7), True),
        (timedelta(days=7, minutes=1), False),
        (timedelta(days=30), False),
    ],
)
def test_a_second_rating_replaces_the_first_only_within_the_change_period(world, later, allowed):
    case = rejected_case(world, MONDAY)
    first = ratings.rate_case(case, level=3, channel="portal", now=MONDAY)
    if allowed:
        second = ratings.rate_case(case, level=5, channel="portal", now=MONDAY + later)
        first.refresh_from_db()
        assert (first.is_current, second.is_current, second.replaces) == (False, True, first)
        assert ratings.current_rating(case=case) == second
    else:
        with pytest.raises(ValidationError) as exc:
            ratings.rate_case(case, level=5, channel="portal", now=MONDAY + later)
        assert refusal(exc) == ("case", "change_period_over")
        assert Rating.objects.filter(case=case).count() == 1


def test_the_change_period_counts_from_the_first_rating(world, settings):
    settings.GOVHALL_RATING_CHANGE_DAYS = 2
    case = rejected_case(world, MONDAY)
    ratings.rate_case(case, level=3, channel="portal", now=MONDAY)
    ratings.rate_case(case, level=4, channel="portal", now=MONDAY + timedelta(days=2))
    with pytest.raises(ValidationError):
        ratings.rate_case(case, level=5, channel="portal", now=MONDAY + timedelta(days=3))


def test_a_bad_rating_replaced_by_a_good_one_keeps_its_follow_up(world):
    case = rejected_case(world, MONDAY)
    bad = ratings.rate_case(case, level=2, reasons=["process"], channel="portal", now=MONDAY)
    good = ratings.rate_case(case, level=5, channel="portal", now=MONDAY + timedelta(days=1))
    assert FollowUp.objects.get().rating == bad
    assert not FollowUp.objects.filter(rating=good).exists()


def test_a_visit_is_rated_once_per_visit(world):
    visit = done_visit(world, MONDAY)
    ratings.rate_visit(visit, level=5, channel="tablet", now=MONDAY)
    with pytest.raises(ValidationError) as exc:
        ratings.rate_visit(visit, level=4, channel="tablet", now=MONDAY + timedelta(days=8))
    assert refusal(exc) == ("visit", "change_period_over")


def test_a_bad_website_rating_goes_to_the_configured_department(world, settings):
    settings.GOVHALL_FOLLOWUP_DEPARTMENT = world.other_department.code
    rating = ratings.rate_website(level=1, reasons=["other"], comment="找不到入口", now=MONDAY)
    assert rating.rated == "website" and rating.department == world.other_department
    assert FollowUp.objects.get(rating=rating).department == world.other_department


def test_a_bad_website_rating_without_a_configured_department_is_refused(world, settings):
    settings.GOVHALL_FOLLOWUP_DEPARTMENT = ""
    with pytest.raises(ValidationError) as exc:
        ratings.rate_website(level=2, reasons=["other"], now=MONDAY)
    assert refusal(exc) == ("level", "followup_department_missing")
    assert "GOVHALL_FOLLOWUP_DEPARTMENT" in str(exc.value)
    assert not Rating.objects.exists()
    # A good one needs no follow-up.
    assert ratings.rate_website(level=5, now=MONDAY).department is None


@pytest.mark.parametrize(
    ("phone", "operator", "code"),
    [
        ("", True, "phone_required"),
        ("12", True, "phone_required"),
        ("13800001111", False, "operator_required"),
    ],
)
def test_a_phone_rating_needs_the_number_and_the_operator(world, phone, operator, code):
    case = rejected_case(world, MONDAY)
    with pytest.raises(ValidationError) as exc:
        ratings.rate_case(
            case, level=5, channel="phone", rater_phone=phone,
            recorded_by=world.users["operator"] if operator else None, now=MONDAY,
        )  # fmt: skip
    assert refusal(exc)[1] == code
