"""Each deadline of a follow-up in working days, with its yellow and red moments, across weekends,
holidays (National Day 2026) and make-up working days (调休: Saturday 10 October 2026)."""

from __future__ import annotations

from datetime import date

import pytest

from govhall.supervision import lights
from govhall.visits.models.followups import FollowUp
from govhall.visits.queries_followups import with_lights
from govhall.visits.services import followups as services
from govhall.visits.tests.followups.conftest import at, open_for

pytestmark = pytest.mark.django_db

# rated at → callback due, yellow from, red from (a one-day callback turns yellow on its due day)
CALLBACK = [
    ("2026-12-02 10:00", date(2026, 12, 3), "2026-12-03 00:00", "2026-12-04 00:00"),  # Wed → Thu
    ("2026-12-04 16:30", date(2026, 12, 7), "2026-12-07 00:00", "2026-12-08 00:00"),  # Fri → Mon
    # A rating on a rest day counts from the next working day (Monday), as every clock of the project.
    ("2026-12-05 09:00", date(2026, 12, 8), "2026-12-08 00:00", "2026-12-09 00:00"),  # Sat → Tue
    ("2026-09-30 15:00", date(2026, 10, 8), "2026-10-08 00:00", "2026-10-09 00:00"),  # over National Day
    ("2026-10-09 11:00", date(2026, 10, 10), "2026-10-10 00:00", "2026-10-11 00:00"),  # make-up Saturday
]


@pytest.mark.parametrize(("rated", "due", "warn", "red"), CALLBACK)
def test_the_callback_is_due_one_working_day_after_the_rating(world, rated, due, warn, red):
    follow_up = open_for(world, at(rated))
    assert follow_up.callback_due == due
    assert (follow_up.warn_at, follow_up.due_at) == (at(warn), at(red))
    assert follow_up.alert_level == 0


def test_the_callback_limit_is_a_setting(world, settings):
    settings.GOVHALL_FOLLOWUP_CALLBACK_DAYS = 3
    follow_up = open_for(world, at("2026-09-29 09:00"))  # Tue; 30 Sep, then 8 and 9 October
    assert follow_up.callback_due == date(2026, 10, 9)
    # Lead of the default rule (1 working day) before the due date: Thursday 8 October.
    assert (follow_up.warn_at, follow_up.due_at) == (at("2026-10-08 00:00"), at("2026-10-10 00:00"))


# verified at → rectify due, yellow from (one working day before), red from
RECTIFY = [
    ("2026-12-01 10:00", date(2026, 12, 8), "2026-12-07 00:00", "2026-12-09 00:00"),  # Tue → next Tue
    ("2026-09-30 10:00", date(2026, 10, 13), "2026-10-12 00:00", "2026-10-14 00:00"),  # 8, 9, 10, 12, 13 Oct
]


@pytest.mark.parametrize(("verified", "due", "warn", "red"), RECTIFY)
def test_a_founded_finding_is_rectified_within_five_working_days(world, verified, due, warn, red):
    follow_up = open_for(world, at(verified))
    services.verify(
        follow_up,
        finding="founded",
        explanation="窗口人员态度生硬",
        by=world.users["handler"],
        now=at(verified),
    )
    follow_up.refresh_from_db()
    assert follow_up.state == "rectifying"
    assert follow_up.rectify_due == due
    assert (follow_up.warn_at, follow_up.due_at) == (at(warn), at(red))


def test_fifteen_working_days_where_a_province_says_so(world, settings):
    settings.GOVHALL_FOLLOWUP_RECTIFY_DAYS = 15
    follow_up = open_for(world, at("2026-12-01 10:00"))
    services.verify(
        follow_up, finding="partly", explanation="x", by=world.users["handler"], now=at("2026-12-01 11:00")
    )
    follow_up.refresh_from_db()
    assert follow_up.rectify_due == date(2026, 12, 22)
    # 20 % of 15 days = 3 working days of yellow: from Thursday 17 December.
    assert follow_up.warn_at == at("2026-12-17 00:00")


def test_the_appeal_is_decided_within_five_working_days(world):
    follow_up = open_for(world, at("2026-09-30 09:00"))
    services.appeal(
        follow_up, grounds="评价人未来办理过业务", by=world.users["head"], now=at("2026-09-30 10:00")
    )
    follow_up.refresh_from_db()
    assert follow_up.state == "appealed"
    assert follow_up.appeal_due == date(2026, 10, 13)
    assert (follow_up.warn_at, follow_up.due_at) == (at("2026-10-12 00:00"), at("2026-10-14 00:00"))


def test_a_dismissed_appeal_restarts_the_stage_it_came_from(world):
    follow_up = open_for(world, at("2026-12-01 09:00"))
    services.appeal(follow_up, grounds="恶意差评", by=world.users["head"], now=at("2026-12-01 10:00"))
    services.decide_appeal(
        follow_up,
        decision="dismissed",
        note="证据不足",
        by=world.users["supervisor"],
        now=at("2026-12-04 15:00"),
    )
    follow_up.refresh_from_db()
    assert follow_up.state == "callback"
    assert follow_up.callback_due == date(2026, 12, 7)  # Friday's decision: call back by Monday
    assert follow_up.due_at == at("2026-12-08 00:00")


def test_a_closed_follow_up_has_no_light(world):
    follow_up = open_for(world, at("2026-12-01 09:00"))
    services.verify(
        follow_up, finding="unfounded", explanation="x", by=world.users["handler"], now=at("2026-12-01 10:00")
    )
    follow_up.refresh_from_db()
    assert (follow_up.state, follow_up.warn_at, follow_up.due_at) == ("closed", None, None)
    assert follow_up.closed_at == at("2026-12-01 10:00")


# the light of a follow-up rated on Friday 4 December 16:30 (callback due Monday 7 December)
LIGHTS = [
    ("2026-12-04 16:31", lights.GREEN),
    ("2026-12-06 23:59", lights.GREEN),
    ("2026-12-07 00:00", lights.YELLOW),
    ("2026-12-07 23:59", lights.YELLOW),
    ("2026-12-08 00:00", lights.RED),
]


@pytest.mark.parametrize(("now", "light"), LIGHTS)
def test_the_light_at_exact_moments(world, now, light):
    follow_up = open_for(world, at("2026-12-04 16:30"))
    row = with_lights(FollowUp.objects.filter(pk=follow_up.pk), at(now)).get()
    assert row.light == light
    assert lights.light_of(follow_up, at(now)) == light
