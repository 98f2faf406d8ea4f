"""Submitting makes a received online case; pre-review is the existing intake on it; corrections go to the
same case; a second return may cite only what changed; withdrawal before acceptance; the 5-day rule;
the pre-review light."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from govhall.cases import services as cases
from govhall.cases.models import CaseEvent, CaseState, Channel
from govhall.cases.queries import visible_cases
from govhall.portal import services
from govhall.portal.tests.apply.support import (
    NOW,
    at,
    submitted,
    upload,
)
from govhall.supervision import lights

pytestmark = pytest.mark.django_db


def test_submission_creates_a_received_online_case_with_number_code_and_documents(world):
    app = submitted(world)
    case = app.case
    assert case.state == CaseState.RECEIVED and case.channel == Channel.ONLINE
    assert case.number and len(case.verification_code) == 6
    assert case.hall == world.centre and case.received_by is None
    assert case.received_on.isoformat() == "2026-03-02"
    assert sorted(case.documents.values_list("material__material_id", flat=True)) == sorted(
        world.required_ids
    )
    assert set(case.documents.values_list("uploaded_by", flat=True)) == {app.owner.pk}
    assert app.state == "submitted" and app.submitted_at == NOW


def test_online_cases_wait_in_the_centre_clerks_queue_and_nobody_elses(world):
    case = submitted(world).case
    assert visible_cases(world.users["clerk"]).filter(pk=case.pk, state="received").exists()
    assert not visible_cases(world.users["other_clerk"]).filter(pk=case.pk).exists()


def test_pre_review_accepts(world):
    case = submitted(world).case
    case = cases.accept_case(case, by=world.users["clerk"], now=at("2026-03-02 15:00"))
    assert case.state == CaseState.ACCEPTED and case.acceptance_date.isoformat() == "2026-03-02"


def test_pre_review_rejects_with_reason_and_rights(world):
    case = submitted(world).case
    case = cases.reject_case(case, reason="不属于本机关职权范围", by=world.users["clerk"], now=NOW)
    event = case.events.get(kind="rejected")
    assert case.state == CaseState.REJECTED and "行政复议" in event.data["rights"]


def _return(world, case, materials, *, now=NOW, **kwargs):
    return cases.request_supplement(
        case, missing=materials, note="请更正", by=world.users["clerk"], now=now, **kwargs
    )


def _correct(world, app, materials, *, now=NOW):
    for pk in materials:
        services.upload_material(app, material=pk, file=upload("fixed.pdf"), by=app.owner, now=now)
    app.refresh_from_db()
    return services.resubmit_correction(app, by=app.owner, now=now, expected_version=app.version)


def test_return_for_correction_with_comments_then_the_same_application_resubmits(world):
    app = submitted(world)
    licence = world.item.materials.get(name="营业执照").pk
    case = _return(world, app.case, [licence], comments={licence: "营业执照已过期", "phone": "号码无法接通"})
    assert case.state == CaseState.SUPPLEMENT_REQUESTED
    assert case.events.get(kind="supplement_requested").data["comments"][str(licence)] == "营业执照已过期"
    assert [r.material_id for r in services.submission.returned_materials(app)] == [licence]
    with pytest.raises(ValidationError) as error:
        services.resubmit_correction(app, by=app.owner, now=NOW, expected_version=app.version)
    assert "upload the corrected file" in " ".join(error.value.message_dict[f"material_{licence}"])
    app = _correct(world, app, [licence], now=at("2026-03-03 10:00"))
    case = app.case
    case.refresh_from_db()
    assert case.state == CaseState.RECEIVED
    assert case.documents.filter(name="fixed.pdf").count() == 1
    case = cases.accept_case(case, by=world.users["clerk"], now=at("2026-03-03 11:00"))
    assert case.acceptance_date.isoformat() == "2026-03-03"


def test_a_second_return_may_cite_only_materials_changed_since_the_first(world):
    app = submitted(world)
    form, licence = (world.item.materials.get(name=n).pk for n in ("申请书", "营业执照"))
    _return(world, app.case, [licence])
    app = _correct(world, app, [licence], now=at("2026-03-03 10:00"))
    with pytest.raises(ValidationError) as error:
        _return(world, app.case, [form], now=at("2026-03-03 11:00"))
    assert "only materials changed since the previous notice" in str(error.value)
    assert "申请书" in str(error.value)
    case = _return(world, app.case, [licence], now=at("2026-03-03 11:00"))
    assert case.state == CaseState.SUPPLEMENT_REQUESTED
    assert case.events.filter(kind="supplement_requested").count() == 2


def test_the_window_keeps_its_one_notice_rule(world):
    case = world.receive(NOW, materials=[])
    case = _return(world, case, world.required_ids)
    case = cases.supplement_received(case, materials=world.required_ids, by=world.users["clerk"], now=NOW)
    with pytest.raises(ValidationError) as error:
        _return(world, case, world.required_ids[:1])
    assert "only once" in str(error.value)


def test_no_notice_within_five_working_days_means_accepted_from_receipt(world):
    case = submitted(world).case  # Monday 2026-03-02: the fifth working day after is Monday 03-09
    with pytest.raises(ValidationError) as error:
        _return(world, case, world.required_ids[:1], now=at("2026-03-10 09:00"))
    assert "within 5 working days" in str(error.value)
    assert cases.deem_overdue_receipts(now=at("2026-03-10 00:30")) == 1
    case.refresh_from_db()
    assert case.state == CaseState.ACCEPTED and case.deemed_accepted
    assert case.acceptance_date.isoformat() == "2026-03-02"


def test_the_applicant_withdraws_before_acceptance_recorded_as_the_applicant(world):
    app = submitted(world)
    services.withdraw_application(app, reason="不再需要", by=app.owner, now=NOW)
    app.case.refresh_from_db()
    assert app.case.state == CaseState.WITHDRAWN
    event = CaseEvent.objects.get(case=app.case, kind="withdrawn")
    assert event.by == app.owner and event.data == {"by": "applicant"}


def test_no_online_withdrawal_after_acceptance(world):
    app = submitted(world)
    cases.accept_case(app.case, by=world.users["clerk"], now=NOW)
    with pytest.raises(ValidationError):
        services.withdraw_application(app, reason="不再需要", by=app.owner, now=NOW)


def test_nobody_else_submits_or_withdraws(world):
    app = submitted(world)
    with pytest.raises(services.NotYours):
        services.withdraw_application(app, reason="x", by=world.users["stranger"], now=NOW)


@pytest.mark.parametrize(
    ("moment", "light"),
    [
        ("2026-03-02 10:00", lights.GREEN),  # received Monday; pre-review due Tuesday
        ("2026-03-03 00:00", lights.YELLOW),  # the due day
        ("2026-03-03 23:59", lights.YELLOW),
        ("2026-03-04 00:00", lights.RED),
    ],
)
def test_the_pre_review_light(world, moment, light):
    case = submitted(world).case
    row = lights.annotate_cases(type(case).objects.filter(pk=case.pk), at(moment)).get()
    assert row.light == light
    counts = lights.prereview_counts(type(case).objects.all(), at(moment))
    assert counts[light] == 1


def test_the_pre_review_light_goes_out_on_acceptance(world):
    case = cases.accept_case(submitted(world).case, by=world.users["clerk"], now=NOW)
    assert lights.prereview_counts(type(case).objects.all(), NOW) == dict.fromkeys(lights.LIGHTS, 0)


def test_the_pre_review_limit_is_configurable(world, settings):
    settings.GOVHALL_PREREVIEW_DAYS = 3
    case = submitted(world).case
    assert case.due_at == lights.end_of(at("2026-03-05 00:00").date())
