"""Intake: materials, the one-time notice, supplement, the 5-day rule, rejection."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from govhall.cases import services
from govhall.cases.inputs import Applicant
from govhall.cases.models import CaseEvent, CaseState
from govhall.cases.tests.conftest import at
from govhall.cases.tests.factories import ORGANISATION

D = date.fromisoformat


def test_a_case_with_missing_required_materials_is_still_received(world):
    case = world.receive(at("2026-03-02 09:00"), materials=[world.required_ids[0]])
    assert case.state == CaseState.RECEIVED
    assert case.materials.filter(received=False, material__required=True).count() == 1


def test_a_material_not_on_the_items_list_is_refused(world):
    foreign = world.immediate_item.materials.get().pk
    with pytest.raises(ValidationError) as error:
        world.receive(at("2026-03-02 09:00"), materials=[*world.required_ids, foreign])
    assert "materials" in error.value.message_dict


def test_a_case_cannot_be_accepted_while_required_materials_are_missing(world):
    case = world.receive(at("2026-03-02 09:00"), materials=[world.required_ids[0]])
    with pytest.raises(ValidationError) as error:
        services.accept_case(case, by=world.users["clerk"], now=at("2026-03-02 09:05"))
    assert "营业执照" in str(error.value.message_dict["materials"])


def test_the_one_time_notice_must_list_all_missing_materials(world):
    case = world.receive(at("2026-03-02 09:00"), materials=[])
    with pytest.raises(ValidationError, match="ALL missing") as error:
        services.request_supplement(
            case, missing=[world.required_ids[0]], by=world.users["clerk"], now=at("2026-03-02 10:00")
        )
    assert error.value.message_dict["missing"]


def test_the_one_time_notice_is_issued_only_once(world):
    case = world.receive(at("2026-03-02 09:00"), materials=[])
    case = services.request_supplement(
        case, missing=world.required_ids, note="请补充", by=world.users["clerk"], now=at("2026-03-02 10:00")
    )
    case = services.supplement_received(
        case, materials=world.required_ids, by=world.users["clerk"], now=at("2026-03-03 10:00")
    )
    assert case.state == CaseState.RECEIVED
    with pytest.raises(ValidationError, match="only once"):
        services.request_supplement(
            case, missing=[], note="再补", by=world.users["clerk"], now=at("2026-03-03 11:00")
        )


def test_supplement_restarts_the_clock_on_the_day_the_last_material_arrives(world):
    clerk = world.users["clerk"]
    case = world.receive(at("2026-03-02 09:00"), materials=[])
    case = services.request_supplement(
        case, missing=world.required_ids, by=clerk, now=at("2026-03-03 09:00"), expected_version=case.version
    )
    case = services.supplement_received(
        case, materials=world.required_ids[:1], by=clerk, now=at("2026-03-05 09:00")
    )
    assert case.state == CaseState.SUPPLEMENT_REQUESTED  # one still missing
    case = services.supplement_received(
        case, materials=world.required_ids[1:], by=clerk, now=at("2026-03-09 16:00")
    )
    assert case.state == CaseState.RECEIVED
    case = services.accept_case(case, by=clerk, now=at("2026-03-10 09:00"))
    assert (case.acceptance_date, case.promised_due, case.legal_due) == (
        D("2026-03-09"),
        D("2026-03-16"),
        D("2026-04-07"),
    )
    assert case.deemed_accepted is False


def test_a_one_time_notice_on_the_fifth_working_day_is_still_in_time(world):
    case = world.receive(at("2026-03-02 09:00"), materials=[])
    case = services.request_supplement(
        case, missing=world.required_ids, by=world.users["clerk"], now=at("2026-03-09 17:00")
    )
    assert case.state == CaseState.SUPPLEMENT_REQUESTED


def test_a_one_time_notice_after_five_working_days_is_refused_naming_the_rule(world):
    case = world.receive(at("2026-03-02 09:00"), materials=[])
    with pytest.raises(ValidationError, match="5 working days") as error:
        services.request_supplement(
            case, missing=world.required_ids, by=world.users["clerk"], now=at("2026-03-10 09:00")
        )
    assert error.value.error_dict["missing"][0].code == "five_day_rule"
    assert "2026-03-09" in str(error.value)


@pytest.mark.parametrize(
    ("received", "swept", "deemed"),
    [
        ("2026-03-02 09:00", "2026-03-09 23:00", False),  # the fifth working day is still in time
        ("2026-03-02 09:00", "2026-03-10 00:30", True),
        ("2026-02-12 09:00", "2026-02-26 23:00", False),  # across 春节 the window ends on 2-26
        ("2026-02-12 09:00", "2026-02-27 08:00", True),
    ],
)
def test_the_five_day_rule_accepts_from_the_day_of_receipt(world, received, swept, deemed):
    case = world.receive(at(received), materials=[])
    assert services.deem_overdue_receipts(now=at(swept)) == int(deemed)
    case.refresh_from_db()
    if deemed:
        assert case.state == CaseState.ACCEPTED
        assert case.deemed_accepted is True
        assert case.acceptance_date == D(received[:10])
        event = case.events.get(kind="deemed_accepted")
        assert event.by is None and "5-day" in event.source
        assert case.steps.get(position=1).state == "active"
    else:
        assert case.state == CaseState.RECEIVED


def test_the_sweep_leaves_a_case_that_got_its_notice_in_time(world):
    case = world.receive(at("2026-03-02 09:00"), materials=[])
    services.request_supplement(
        case, missing=world.required_ids, by=world.users["clerk"], now=at("2026-03-03 09:00")
    )
    assert services.deem_overdue_receipts(now=at("2026-03-20 09:00")) == 0
    assert services.deem_accepted_if_late(case, now=at("2026-03-20 09:00")) is False


def test_a_late_acceptance_counts_from_the_day_of_receipt(world):
    case = world.receive(at("2026-03-02 09:00"))
    case = services.accept_case(case, by=world.users["clerk"], now=at("2026-03-11 09:00"))
    assert case.deemed_accepted is True
    assert case.acceptance_date == D("2026-03-02")


def test_rejection_needs_a_reason_and_records_the_applicants_rights(world):
    case = world.receive(at("2026-03-02 09:00"))
    with pytest.raises(ValidationError) as error:
        services.reject_case(case, reason="  ", by=world.users["clerk"], now=at("2026-03-02 09:10"))
    assert "reason" in error.value.message_dict
    case = services.reject_case(
        case, reason="不属于本机关职权范围", by=world.users["clerk"], now=at("2026-03-02 09:10")
    )
    assert case.state == CaseState.REJECTED
    rights = CaseEvent.objects.get(case=case, kind="rejected").data["rights"]
    assert "行政复议" in rights and "行政诉讼" in rights


@pytest.mark.parametrize(
    ("applicant", "field"),
    [
        (
            Applicant(kind="person", name="张三", id_type="resident_id", id_number="370181199001011234"),
            "id_number",
        ),
        (Applicant(kind="person", name="", id_type="passport", id_number="E12345678"), "applicant_name"),
        (Applicant(kind="person", name="John", id_type="", id_number="E12345678"), "id_type"),
        (
            Applicant(
                kind="organisation",
                name="某公司",
                credit_code="914403001922038217",
                legal_representative="李",
            ),
            "credit_code",
        ),
        (
            Applicant(kind="organisation", name="某公司", credit_code=ORGANISATION.credit_code),
            "legal_representative",
        ),
    ],
)
def test_bad_applicant_data_is_refused_naming_the_field(world, applicant, field):
    with pytest.raises(ValidationError) as error:
        world.receive(at("2026-03-02 09:00"), applicant=applicant)
    assert field in error.value.message_dict


def test_an_organisation_and_a_passport_holder_are_received(world):
    case = world.receive(at("2026-03-02 09:00"), applicant=ORGANISATION)
    assert case.credit_code == ORGANISATION.credit_code and case.id_number == ""
    passport = Applicant(kind="person", name="John Smith", id_type="passport", id_number="e12345678")
    case = world.receive(at("2026-03-02 09:00"), applicant=passport)
    assert case.id_number == "E12345678"


def test_a_draft_item_version_takes_no_applications(world):
    world.item.status = "superseded"
    world.item.save()
    with pytest.raises(ValidationError) as error:
        world.receive(at("2026-03-02 09:00"))
    assert "item" in error.value.message_dict


def test_withdrawal_is_possible_until_conclusion(world):
    case = world.accepted(at("2026-03-02 09:00"))
    case = services.withdraw_case(
        case, reason="申请人主动撤回", by=world.users["clerk"], now=at("2026-03-03 09:00")
    )
    assert case.state == CaseState.WITHDRAWN and case.withdrawn_reason == "申请人主动撤回"
