"""The moves of a follow-up through its services: what each records, who may make it, and what is refused
(naming the field and the rule, nothing written)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from govhall.cases.errors import StaleVersion
from govhall.supervision.models.base import RecordIsAppendOnly
from govhall.visits.errors import FollowUpForbidden, FollowUpMoveRefused
from govhall.visits.models import Rating
from govhall.visits.models.followups import FollowUp, FollowUpEvent
from govhall.visits.services import followups as services
from govhall.visits.tests.followups.conftest import at, open_for

pytestmark = pytest.mark.django_db
NOW = at("2026-12-01 09:00")
LATER = at("2026-12-01 15:00")


def test_opening_records_the_department_and_an_event(world):
    follow_up = open_for(world, NOW)
    assert follow_up.department == world.department
    assert (follow_up.state, follow_up.version, follow_up.opened_at) == ("callback", 1, NOW)
    assert list(follow_up.events.values_list("move", "to_state", "by")) == [("open", "callback", None)]


def test_a_founded_finding_is_rectified_and_reported_back(world):
    handler = world.users["handler"]
    follow_up = open_for(world, NOW)
    services.verify(
        follow_up, finding="founded", explanation="态度生硬属实", by=handler, now=LATER, expected_version=1
    )
    services.rectify(
        follow_up,
        rectification="已对窗口人员批评教育",
        by=handler,
        now=at("2026-12-02 10:00"),
        expected_version=2,
    )
    services.report_back(
        follow_up,
        rater_view="satisfied",
        note="电话反馈",
        by=handler,
        now=at("2026-12-03 10:00"),
        expected_version=3,
    )
    follow_up.refresh_from_db()
    assert follow_up.state == "closed"
    assert (follow_up.finding, follow_up.called_back_at, follow_up.verified_by) == ("founded", LATER, handler)
    assert (follow_up.rectified_at, follow_up.rater_view) == (at("2026-12-02 10:00"), "satisfied")
    assert follow_up.version == 4
    moves = list(follow_up.events.values_list("move", "from_state", "to_state", "by"))
    assert moves == [
        ("open", "", "callback", None),
        ("verify", "callback", "rectifying", handler.pk),
        ("rectify", "rectifying", "rectifying", handler.pk),
        ("report_back", "rectifying", "closed", handler.pk),
    ]


def test_closing_without_a_finding_is_refused_and_nothing_is_written(world):
    follow_up = open_for(world, NOW)
    with pytest.raises(ValidationError) as refused:
        services.verify(follow_up, finding="", explanation="", by=world.users["handler"], now=LATER)
    errors = refused.value.message_dict
    assert "closed only with a finding" in errors["finding"][0]
    assert "Explain the finding" in errors["explanation"][0]
    follow_up.refresh_from_db()
    assert (follow_up.state, follow_up.version, follow_up.events.count()) == ("callback", 1, 1)


def test_report_back_before_the_rectification_is_refused(world):
    handler = world.users["handler"]
    follow_up = open_for(world, NOW)
    services.verify(follow_up, finding="partly", explanation="x", by=handler, now=LATER)
    with pytest.raises(ValidationError) as refused:
        services.report_back(follow_up, rater_view="satisfied", by=handler, now=LATER)
    assert "Record the rectification before" in refused.value.message_dict["rater_view"][0]
    assert FollowUp.objects.get(pk=follow_up.pk).state == "rectifying"


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda f, c: services.rectify(f, rectification=" ", **c), "rectification"),
        (lambda f, c: services.appeal(f, grounds="", **c), "grounds"),
        (lambda f, c: services.verify(f, finding="maybe", explanation="x", **c), "finding"),
    ],
)
def test_missing_or_wrong_input_names_the_field(world, call, field):
    follow_up = open_for(world, NOW)
    with pytest.raises(ValidationError) as refused:
        call(follow_up, {"by": world.users["head"], "now": LATER})
    assert field in refused.value.message_dict


def test_a_move_the_table_does_not_allow_is_refused(world):
    follow_up = open_for(world, NOW)
    with pytest.raises(FollowUpMoveRefused) as refused:
        services.rectify(follow_up, rectification="x", by=world.users["handler"], now=LATER)
    assert "To call back and verify" in str(refused.value)
    assert "“Rectify” is not allowed" in str(refused.value)
    assert "(allowed: Call back and verify, Appeal the rating)" in str(refused.value)


def test_a_stale_version_changes_nothing(world):
    follow_up = open_for(world, NOW)
    services.verify(
        follow_up,
        finding="founded",
        explanation="x",
        by=world.users["handler"],
        now=LATER,
        expected_version=1,
    )
    with pytest.raises(StaleVersion):
        services.rectify(
            follow_up, rectification="y", by=world.users["handler"], now=LATER, expected_version=1
        )
    assert FollowUp.objects.get(pk=follow_up.pk).rectification == ""


@pytest.mark.parametrize("who", ["other_handler", "clerk", "supervisor", "leader"])
def test_only_the_department_responsible_verifies(world, who):
    follow_up = open_for(world, NOW)
    with pytest.raises(FollowUpForbidden):
        services.verify(follow_up, finding="founded", explanation="x", by=world.users[who], now=LATER)


@pytest.mark.parametrize("who", ["head", "handler", "leader"])
def test_only_the_centre_decides_appeals(world, who):
    follow_up = open_for(world, NOW)
    services.appeal(follow_up, grounds="恶意", by=world.users["head"], now=LATER)
    with pytest.raises(FollowUpForbidden):
        services.decide_appeal(follow_up, decision="upheld", note="x", by=world.users[who], now=LATER)


def test_an_upheld_appeal_takes_the_rating_out_of_the_figures_but_keeps_it(world):
    follow_up = open_for(world, NOW)
    services.appeal(follow_up, grounds="评价人并未办理业务", by=world.users["head"], now=LATER)
    services.decide_appeal(
        follow_up,
        decision="upheld",
        note="核实为误评",
        by=world.users["supervisor"],
        now=at("2026-12-02 10:00"),
    )
    follow_up.refresh_from_db()
    rating = Rating.objects.get(pk=follow_up.rating_id)
    assert (rating.counts, rating.level, rating.is_current) == (False, 1, True)
    assert (follow_up.state, follow_up.appeal_decision, follow_up.finding) == ("closed", "upheld", "")
    assert follow_up.appeal_decided_by == world.users["supervisor"]
    assert follow_up.events.last().move == "uphold_appeal"


def test_a_dismissed_appeal_keeps_the_rating_counted_and_returns_to_rectification(world):
    follow_up = open_for(world, NOW)
    services.verify(follow_up, finding="founded", explanation="x", by=world.users["handler"], now=LATER)
    services.appeal(follow_up, grounds="y", by=world.users["head"], now=LATER)
    services.decide_appeal(
        follow_up, decision="dismissed", note="z", by=world.users["supervisor"], now=at("2026-12-02 10:00")
    )
    follow_up.refresh_from_db()
    assert follow_up.state == "rectifying"
    assert Rating.objects.get(pk=follow_up.rating_id).counts is True


def test_one_appeal_per_follow_up(world):
    follow_up = open_for(world, NOW)
    services.appeal(follow_up, grounds="y", by=world.users["head"], now=LATER)
    services.decide_appeal(follow_up, decision="dismissed", note="z", by=world.users["supervisor"], now=LATER)
    with pytest.raises(ValidationError) as refused:
        services.appeal(follow_up, grounds="again", by=world.users["head"], now=LATER)
    assert "one appeal each" in refused.value.message_dict["grounds"][0]


def test_the_record_of_moves_is_append_only(world):
    follow_up = open_for(world, NOW)
    event = FollowUpEvent.objects.get(follow_up=follow_up)
    with pytest.raises(RecordIsAppendOnly):
        event.save()
    with pytest.raises(RecordIsAppendOnly):
        FollowUpEvent.objects.filter(pk=event.pk).update(note="changed")
    with pytest.raises(Exception, match="append-only"), connection.cursor() as cursor:
        cursor.execute("UPDATE visits_followupevent SET note = 'x' WHERE id = %s", [event.pk])


def test_a_rating_without_a_department_cannot_be_followed_up(world):
    from govhall.visits.tests.followups.conftest import bad_rating

    rating = bad_rating(world, NOW)
    rating.department = None
    with pytest.raises(ValidationError):
        services.open_follow_up(rating, now=NOW)
