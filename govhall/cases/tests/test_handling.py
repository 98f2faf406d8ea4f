"""Steps, returns, special procedures, extensions, conclusion, immediate cases, agency, consultations."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from govhall.cases import services
from govhall.cases.errors import CaseForbidden, StaleVersion, TransitionNotAllowed
from govhall.cases.models import CaseKind, CaseState
from govhall.cases.tests.conftest import at

D = date.fromisoformat


def test_each_step_gets_its_own_due_date_when_it_starts(world):
    case = world.accepted(at("2026-02-12 09:00"))
    first, second = case.steps.order_by("position")
    assert (first.state, first.due_date) == ("active", D("2026-02-14"))  # limit 2 over the make-up Saturday
    assert second.state == "pending" and second.due_date is None
    services.complete_step(first, by=world.users["handler"], now=at("2026-02-24 09:00"))
    second.refresh_from_db()
    assert (second.state, second.started_on, second.due_date) == ("active", D("2026-02-24"), D("2026-02-27"))


def test_a_returned_step_sends_the_case_back_to_the_previous_step(world):
    case = world.accepted(at("2026-03-02 09:00"))
    first = case.steps.get(position=1)
    services.complete_step(first, by=world.users["handler"], now=at("2026-03-03 09:00"))
    second = case.steps.get(position=2)
    with pytest.raises(ValidationError):
        services.complete_step(
            second, outcome="return", comment="", by=world.users["handler"], now=at("2026-03-04 09:00")
        )
    services.complete_step(
        second, outcome="return", comment="审查意见不全", by=world.users["head"], now=at("2026-03-04 09:00")
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, first.rounds, first.due_date) == ("active", 2, D("2026-03-06"))
    assert (second.state, second.outcome, second.comment) == ("returned", "return", "审查意见不全")
    services.complete_step(first, by=world.users["handler"], now=at("2026-03-05 09:00"))
    second.refresh_from_db()
    assert (second.state, second.rounds) == ("active", 2)


def test_the_first_step_cannot_be_returned(world):
    case = world.accepted(at("2026-03-02 09:00"))
    with pytest.raises(ValidationError):
        services.return_step(
            case.steps.get(position=1), reason="x", by=world.users["handler"], now=at("2026-03-02 10:00")
        )


def test_a_case_is_concluded_only_after_every_step_and_with_a_decision_text(world):
    case = world.accepted(at("2026-03-02 09:00"))
    with pytest.raises(ValidationError) as error:
        services.conclude_case(
            case, decision="approved", text="准予", by=world.users["head"], now=at("2026-03-02 10:00")
        )
    assert "steps" in error.value.message_dict
    for step in case.steps.order_by("position"):
        services.complete_step(step, by=world.users["handler"], now=at("2026-03-03 09:00"))
    with pytest.raises(ValidationError):
        services.conclude_case(
            case, decision="denied", text="", by=world.users["head"], now=at("2026-03-03 10:00")
        )
    case = services.conclude_case(
        case, decision="denied", text="不符合许可条件", by=world.users["head"], now=at("2026-03-03 10:00")
    )
    assert (case.state, case.decision) == (CaseState.CONCLUDED, "denied")
    assert case.events.get(kind="concluded").data["on_time"] is True


def test_suspension_stops_the_clock_and_the_active_step(world):
    handler = world.users["handler"]
    case = world.accepted(at("2026-03-02 09:00"))
    case = services.suspend_case(
        case,
        kind="expert_review",
        expected_days=10,
        reason="组织专家评审",
        by=handler,
        now=at("2026-03-04 09:00"),
    )
    assert case.state == CaseState.SUSPENDED and case.promised_due == D("2026-03-23")
    with pytest.raises(TransitionNotAllowed):
        services.complete_step(case.steps.get(position=1), by=handler, now=at("2026-03-05 09:00"))
    case = services.resume_case(case, by=handler, now=at("2026-03-09 09:00"))
    assert (case.state, case.suspended_days) == (CaseState.ACCEPTED, 3)
    assert (case.promised_due, case.legal_due) == (D("2026-03-12"), D("2026-04-02"))
    assert case.steps.get(position=1).due_date == D("2026-03-09")  # 3-04 + 3 working days
    suspension = case.suspensions.get()
    assert (suspension.ended_on, suspension.counted_days) == (D("2026-03-09"), 3)


def test_an_approved_extension_adds_its_days_and_the_total_is_capped(world):
    handler, head = world.users["handler"], world.users["head"]
    case = world.accepted(at("2026-03-02 09:00"))
    request = services.request_extension(
        case, days=6, reason="需补充现场核查", by=handler, now=at("2026-03-05 09:00")
    )
    case.refresh_from_db()
    assert case.state == CaseState.ACCEPTED and case.extension_days == 0  # a request changes nothing yet
    with pytest.raises(ValidationError):
        services.request_extension(case, days=1, reason="again", by=handler, now=at("2026-03-05 10:00"))
    with pytest.raises(StaleVersion):
        services.decide_extension(
            request, approve=True, reason="同意", by=head, now=at("2026-03-05 11:00"), expected_version=7
        )
    services.decide_extension(
        request, approve=True, reason="同意", by=head, now=at("2026-03-05 11:00"), expected_version=1
    )
    case.refresh_from_db()
    assert (case.extension_days, case.promised_due, case.legal_due) == (6, D("2026-03-17"), D("2026-04-08"))
    with pytest.raises(ValidationError, match="at most 10"):
        services.request_extension(case, days=5, reason="再延", by=handler, now=at("2026-03-06 09:00"))
    # Joint handling (lanes) passes its own maximum.
    services.request_extension(
        case, days=5, reason="联合办理", by=handler, now=at("2026-03-06 09:00"), max_days=15
    )


def test_a_stale_version_changes_nothing(world):
    case = world.receive(at("2026-03-02 09:00"))
    with pytest.raises(StaleVersion):
        services.accept_case(
            case, by=world.users["clerk"], now=at("2026-03-02 09:10"), expected_version=case.version - 1
        )
    case.refresh_from_db()
    assert case.state == CaseState.RECEIVED and case.events.count() == 1


def test_an_immediate_case_not_concluded_the_same_day_becomes_committed(world):
    case = world.accepted(at("2026-03-02 09:00"), item=world.immediate_item, materials=None)
    assert (case.kind, case.promised_due) == (CaseKind.IMMEDIATE, D("2026-03-02"))
    assert services.convert_unfinished_immediate(now=at("2026-03-02 23:00")) == 0
    assert services.convert_unfinished_immediate(now=at("2026-03-03 00:05")) == 1
    assert services.convert_unfinished_immediate(now=at("2026-03-03 00:10")) == 0
    case.refresh_from_db()
    assert (case.kind, case.promised_due) == (CaseKind.COMMITTED, D("2026-03-03"))
    assert case.events.get(kind="converted_to_committed").data["promised_limit"] == 1


def test_an_immediate_case_is_concluded_at_the_window_on_the_spot(world):
    clerk = world.users["clerk"]
    case = world.accepted(at("2026-03-02 09:00"), item=world.immediate_item)
    case = services.conclude_case(
        case, decision="approved", text="准予变更", by=clerk, now=at("2026-03-02 09:10")
    )
    case = services.deliver_result(case, by=clerk, now=at("2026-03-02 09:12"))
    assert case.state == CaseState.DELIVERED


def test_agency_materials_travel_from_the_township_to_the_centre(world):
    agency, clerk = world.users["agency_clerk"], world.users["clerk"]
    case = world.receive(
        at("2026-03-02 09:00"), by=agency, channel="agency", agency_hall=world.township, window=None
    )
    handover = services.send_materials(case, by=agency, now=at("2026-03-02 15:00"), note="纸质材料一袋")
    with pytest.raises(ValidationError):
        services.send_materials(case, by=agency, now=at("2026-03-02 15:30"))
    handover = services.receive_materials(case, by=clerk, now=at("2026-03-03 09:00"))
    assert handover.received_by == clerk
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds == ["received", "materials_sent", "materials_received"]


def test_a_consultation_is_registered_and_answered(world):
    clerk, handler = world.users["clerk"], world.users["handler"]
    case = services.record_consultation(
        question="办理食品经营许可需要哪些材料？",
        department=world.department,
        by=clerk,
        now=at("2026-03-02 09:00"),
        hall=world.centre,
        contact={"name": "王五", "phone": "13700001111"},
    )
    assert (case.kind, case.state, case.number) == ("consultation", "registered", "QS0001-20260302-0001")
    with pytest.raises(CaseForbidden):  # another department
        services.answer_consultation(
            case, answer="x", by=world.users["other_handler"], now=at("2026-03-02 10:00")
        )
    case = services.answer_consultation(case, answer="见办事指南", by=handler, now=at("2026-03-02 10:00"))
    assert case.state == "answered" and case.consultation.answered_by == handler
    on_the_spot = services.record_consultation(
        question="几点下班？",
        answer="17:00",
        department=world.department,
        by=clerk,
        now=at("2026-03-02 11:00"),
        hall=world.centre,
    )
    assert on_the_spot.state == "answered"
