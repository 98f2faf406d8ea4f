"""Marking materials and pre-approval (预审通过): refused until every uploaded file is marked and all are
acceptable and nothing is missing; a pre-approved draft, submitted unchanged, is accepted at once. Who
submits: the applicant, or the township clerk with a power of attorney uploaded; never the centre."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from govhall.cases.models import CaseState
from govhall.portal import services
from govhall.portal.models import Application, HelpSession
from govhall.portal.services import help as helping
from govhall.portal.tests.apply.support import upload
from govhall.portal.tests.help.conftest import LATER


def mark_all(world, session, *, acceptable: bool = True):
    for document in Application.objects.get(pk=session.application_id).documents.all():
        helping.review_material(
            session,
            document=document,
            acceptable=acceptable,
            comment="" if acceptable else "看不清",
            by=world.clerk,
            now=LATER,
        )
    session.refresh_from_db()
    return session


def preapprove(world, session):
    app = Application.objects.get(pk=session.application_id)
    return helping.preapprove(
        session, by=world.clerk, now=LATER, expected_version=session.version, draft_version=app.version
    )


def test_a_file_not_acceptable_needs_a_comment(world):
    session = world.started()
    document = session.application.documents.first()
    with pytest.raises(ValidationError) as refused:
        helping.review_material(session, document=document, acceptable=False, by=world.clerk, now=LATER)
    assert document.material.name in refused.value.message_dict["comment"][0]
    assert not session.reviews.exists()


def test_preapproval_without_every_material_marked_is_refused_naming_them(world):
    session = world.started()
    first, second = Application.objects.get(pk=session.application_id).documents.order_by(
        "material__position"
    )
    helping.review_material(session, document=first, acceptable=True, by=world.clerk, now=LATER)
    session.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        preapprove(world, session)
    [message] = refused.value.message_dict["materials"]
    assert "Mark every uploaded material first" in message and second.material.name in message
    assert first.material.name not in message
    assert HelpSession.objects.get().preapproved_at is None


def test_preapproval_with_a_material_not_acceptable_is_refused(world):
    session = mark_all(world, world.started(), acceptable=False)
    with pytest.raises(ValidationError) as refused:
        preapprove(world, session)
    assert "not acceptable" in refused.value.message_dict["materials"][0]
    assert "看不清" in refused.value.message_dict["materials"][0]


def test_preapproval_with_something_missing_is_refused(world):
    session = world.started(files=False)
    with pytest.raises(ValidationError) as refused:
        preapprove(world, session)
    assert "Still missing" in refused.value.message_dict["checklist"][0]


def test_a_preapproved_draft_is_accepted_at_once_on_submission(world):
    session = preapprove(world, mark_all(world, world.started()))
    assert session.is_preapproved
    app = Application.objects.get(pk=session.application_id)
    app = services.submit_application(app, by=world.resident, now=LATER, expected_version=app.version)
    assert app.case.state == CaseState.ACCEPTED
    accepted = app.case.events.get(kind="accepted")
    assert accepted.by == world.clerk, "accepted in the pre-approving clerk's name"


def test_a_change_after_preapproval_voids_it(world):
    session = preapprove(world, mark_all(world, world.started()))
    app = Application.objects.get(pk=session.application_id)
    app = services.save_draft(
        app, data={"address": "改了"}, by=world.resident, now=LATER, expected_version=app.version
    )
    session.refresh_from_db()
    assert not session.is_preapproved
    app = services.submit_application(app, by=world.resident, now=LATER, expected_version=app.version)
    assert app.case.state == CaseState.RECEIVED, "received as usual: the pre-review happens at intake"


def test_a_draft_without_preapproval_is_received_as_usual(world):
    world.started()
    app = Application.objects.get()
    app = services.submit_application(app, by=world.resident, now=LATER, expected_version=app.version)
    assert app.case.state == CaseState.RECEIVED


def test_preapproval_on_a_stale_draft_version_is_refused(world):
    session = mark_all(world, world.started())
    app = Application.objects.get(pk=session.application_id)
    from govhall.cases.errors import StaleVersion

    with pytest.raises(StaleVersion):
        helping.preapprove(
            session,
            by=world.clerk,
            now=LATER,
            expected_version=session.version,
            draft_version=app.version - 1,
        )


def test_marking_a_file_not_acceptable_after_preapproval_voids_it(world):
    session = preapprove(world, mark_all(world, world.started()))
    document = Application.objects.get(pk=session.application_id).documents.first()
    helping.review_material(
        session, document=document, acceptable=False, comment="过期", by=world.clerk, now=LATER
    )
    session.refresh_from_db()
    assert session.preapproved_version is None


def test_the_centre_clerk_cannot_submit(world):
    session = preapprove(world, mark_all(world, world.started()))
    app = Application.objects.get(pk=session.application_id)
    with pytest.raises(services.NotYours):
        services.submit_application(app, by=world.clerk, now=LATER, expected_version=app.version)


def test_a_township_clerk_submits_only_with_a_power_of_attorney(world):
    session = world.started(world.township)
    app = Application.objects.get(pk=session.application_id)
    with pytest.raises(ValidationError) as refused:
        services.submit_application(app, by=world.township, now=LATER, expected_version=app.version)
    assert "power of attorney" in refused.value.message_dict["power_of_attorney"][0]
    services.upload_material(app, material=world.poa.pk, file=upload(), by=world.township, now=LATER)
    app.refresh_from_db()
    app = services.submit_application(app, by=world.township, now=LATER, expected_version=app.version)
    assert app.case is not None
