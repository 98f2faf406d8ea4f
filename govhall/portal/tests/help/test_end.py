"""The end of a session: the summary (what was corrected, what is still missing) in the applicant's inbox
and on the draft; the move log and the edit log are append-only."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from govhall.portal import services
from govhall.portal.models import Application, DraftEdit, HelpEvent, HelpOutcome, HelpState, InboxMessage
from govhall.portal.services import help as helping
from govhall.portal.tests.help.conftest import LATER
from govhall.supervision.models.base import RecordIsAppendOnly


def test_the_summary_goes_to_the_inbox_and_onto_the_draft(world, settings):
    session = world.started(world.township, files=False)
    app = Application.objects.get(pk=session.application_id)
    helping.edit_field(
        session,
        field="phone",
        value="13912345678",
        field_version=app.stamps.get("phone", 0),
        by=world.clerk,
        now=LATER,
    )
    session.refresh_from_db()
    session = helping.end_help(
        session,
        outcome=HelpOutcome.DRAFT_IMPROVED,
        by=world.clerk,
        now=LATER,
        expected_version=session.version,
        still_missing="营业执照请带原件",
    )
    assert session.state == HelpState.ENDED and session.ended_at == LATER
    assert "13812345678 → 13912345678" in session.corrected
    assert "申请书" in session.still_missing and "营业执照请带原件" in session.still_missing
    app.refresh_from_db()
    [message] = InboxMessage.objects.filter(recipient=world.township)
    assert message.kind == "help_summary" and message.text == app.help_summary
    assert world.world.item.name in message.text and "13912345678" in message.text
    assert message.url == f"/portal/applications/{app.pk}/edit/"


def test_the_inbox_is_in_the_centres_language(world, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    session = world.started()
    helping.end_help(session, outcome="advised", by=world.clerk, now=LATER, expected_version=session.version)
    text = InboxMessage.objects.get(recipient=world.resident).text
    assert "远程帮办" in text


def test_a_session_ended_after_the_submission_says_submitted(world):
    session = world.started()
    app = Application.objects.get(pk=session.application_id)
    services.submit_application(app, by=world.resident, now=LATER, expected_version=app.version)
    session = helping.end_help(
        session, outcome="submitted", by=world.resident, now=LATER, expected_version=session.version
    )
    assert session.outcome == HelpOutcome.SUBMITTED
    assert session.still_missing == "", "a submitted application's checklist is the case's"


def test_the_event_log_refuses_changes_through_the_orm(world):
    session = world.started()
    event = HelpEvent.objects.filter(session=session).first()
    with pytest.raises(RecordIsAppendOnly):
        event.save()
    with pytest.raises(RecordIsAppendOnly):
        HelpEvent.objects.filter(session=session).delete()


@pytest.mark.parametrize("table", ["portal_helpevent", "portal_draftedit"])
def test_the_logs_refuse_changes_that_bypass_the_orm(world, table):
    session = world.started()
    helping.edit_field(session, field="address", value="某路", field_version=0, by=world.clerk, now=LATER)
    assert DraftEdit.objects.exists()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET at = at")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")
