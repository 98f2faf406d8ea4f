from datetime import date

from govhall.cases import services
from govhall.cases.models import CaseState, StepState
from govhall.cases.tests.conftest import at


def test_a_committed_case_goes_from_receipt_to_delivery(world):
    monday = at("2026-03-02 09:00")
    case = world.receive(monday)
    assert case.number == "QS0001-20260302-0001"
    assert case.state == CaseState.RECEIVED
    case = services.accept_case(case, by=world.users["clerk"], now=monday, expected_version=case.version)
    assert case.acceptance_date == date(2026, 3, 2)
    assert case.promised_due == date(2026, 3, 9)
    assert case.legal_due == date(2026, 3, 30)
    first, second = case.steps.order_by("position")
    assert first.state == StepState.ACTIVE and first.due_date == date(2026, 3, 4)
    services.complete_step(first, by=world.users["handler"], now=at("2026-03-03 10:00"))
    second.refresh_from_db()
    assert second.state == StepState.ACTIVE and second.due_date == date(2026, 3, 6)
    services.complete_step(second, by=world.users["head"], now=at("2026-03-04 10:00"))
    case = services.conclude_case(
        case, decision="approved", text="准予许可", by=world.users["head"], now=at("2026-03-04 11:00")
    )
    case = services.deliver_result(case, by=world.users["clerk"], now=at("2026-03-05 11:00"))
    assert case.state == CaseState.DELIVERED
    assert list(case.events.values_list("seq", flat=True)) == list(range(1, case.events.count() + 1))
