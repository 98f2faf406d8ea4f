"""Who takes, ends, cancels a session; a clerk of another department is refused with a clear message and
nothing is written; a stale version is refused."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from govhall.cases.errors import StaleVersion, TransitionNotAllowed
from govhall.portal.models import HelpEvent, HelpSession, HelpState
from govhall.portal.services import help as helping
from govhall.portal.tests.help.conftest import LATER


def test_a_clerk_of_the_department_takes_the_session(world):
    session = world.asked()
    session = helping.start_help(session, by=world.clerk, now=LATER, expected_version=session.version)
    assert (session.state, session.clerk, session.started_at, session.version) == (
        HelpState.IN_PROGRESS,
        world.clerk,
        LATER,
        2,
    )
    assert list(session.events.values_list("move", flat=True)) == ["request", "start"]


def test_a_clerk_of_another_department_is_refused_and_nothing_is_written(world):
    session = world.asked()
    with pytest.raises(helping.HelpForbidden) as refused:
        helping.start_help(session, by=world.stranger, now=LATER, expected_version=session.version)
    assert world.world.department.name in str(refused.value)
    session.refresh_from_db()
    assert (session.state, session.clerk, session.version) == (HelpState.REQUESTED, None, 1)
    assert HelpEvent.objects.filter(session=session).count() == 1


@pytest.mark.parametrize("who", ["resident", "township"])
def test_only_centre_clerks_take_sessions(world, who):
    session = world.asked()
    with pytest.raises(helping.HelpForbidden):
        helping.start_help(session, by=getattr(world, who), now=LATER, expected_version=session.version)


def test_a_stale_version_is_refused(world):
    session = world.asked()
    with pytest.raises(StaleVersion):
        helping.start_help(session, by=world.clerk, now=LATER, expected_version=session.version + 1)
    assert HelpSession.objects.get().state == HelpState.REQUESTED


def test_a_taken_session_cannot_be_taken_again(world):
    session = world.started()
    with pytest.raises(TransitionNotAllowed):
        helping.start_help(session, by=world.colleague, now=LATER, expected_version=None)


def test_only_the_clerk_who_took_it_marks_materials(world):
    session = world.started()
    document = session.application.documents.first()
    with pytest.raises(helping.HelpForbidden) as refused:
        helping.review_material(session, document=document, acceptable=True, by=world.colleague, now=LATER)
    assert "window" in str(refused.value)


@pytest.mark.parametrize(
    "who, allowed",
    [("resident", True), ("clerk", True), ("stranger", False), ("colleague", True)],
)
def test_who_cancels_a_waiting_session(world, who, allowed):
    session = world.asked()
    by = getattr(world, who)
    if allowed:
        session = helping.cancel_help(
            session, by=by, now=LATER, expected_version=session.version, reason="改天"
        )
        assert (session.state, session.ended_at) == (HelpState.CANCELLED, LATER)
        assert session.events.last().note == "改天"
    else:
        with pytest.raises(helping.HelpForbidden):
            helping.cancel_help(session, by=by, now=LATER, expected_version=session.version)


def test_no_show_is_marked_by_a_clerk_of_the_department(world):
    session = world.asked()
    with pytest.raises(helping.HelpForbidden):
        helping.mark_no_show(session, by=world.resident, now=LATER, expected_version=session.version)
    session = helping.mark_no_show(session, by=world.clerk, now=LATER, expected_version=session.version)
    assert session.state == HelpState.NO_SHOW
    # the draft may ask again
    again = helping.request_help(session.application, by=world.resident, now=LATER)
    assert again.state == HelpState.REQUESTED


def test_a_started_session_is_not_cancelled_but_ended(world):
    session = world.started()
    with pytest.raises(TransitionNotAllowed):
        helping.cancel_help(session, by=world.resident, now=LATER, expected_version=session.version)


def test_the_outcome_is_one_of_the_three(world):
    session = world.started()
    with pytest.raises(ValidationError) as refused:
        helping.end_help(
            session, outcome="solved", by=world.clerk, now=LATER, expected_version=session.version
        )
    assert "draft_improved" in str(refused.value.message_dict["outcome"])
    with pytest.raises(ValidationError) as refused:
        helping.end_help(
            session, outcome="submitted", by=world.clerk, now=LATER, expected_version=session.version
        )
    assert "submitted first" in str(refused.value.message_dict["outcome"])
    assert HelpSession.objects.get().state == HelpState.IN_PROGRESS


def test_a_waiting_session_cannot_be_marked_or_preapproved_yet(world):
    session = world.asked()
    document = session.application.documents.first()
    with pytest.raises(TransitionNotAllowed):
        helping.review_material(session, document=document, acceptable=True, by=world.clerk, now=LATER)
    with pytest.raises(TransitionNotAllowed):
        helping.preapprove(session, by=world.clerk, now=LATER, expected_version=None, draft_version=None)
