"""conclude_on_the_spot: every open step approved and the case concluded in one call, with what
complete_step for each step and conclude_case would have recorded."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from govhall.cases import services
from govhall.cases.errors import CaseForbidden, TransitionNotAllowed
from govhall.cases.models import CaseState
from govhall.cases.tests.conftest import at
from govhall.stats import rollup


def _picture(case) -> tuple:
    """The case as the services left it, without ids, numbers and versions."""
    case.refresh_from_db()
    fields = (
        case.state, case.decision, case.decision_text, case.acceptance_date, case.promised_due,
        case.warn_at, case.due_at, case.concluded_at,
    )  # fmt: skip
    steps = [
        (s.position, s.state, s.started_on, s.due_date, s.finished_at, s.finished_by_id, s.outcome, s.rounds)
        for s in case.steps.order_by("position")
    ]
    events = [
        (e.seq, e.kind, e.at, e.by_id, e.from_state, e.to_state, e.reason, _without_ids(e.data))
        for e in case.events.order_by("seq")
    ]
    return fields, steps, events


def _without_ids(data: dict) -> dict:
    return {k: v for k, v in data.items() if k != "step"}


def test_on_the_spot_records_what_each_step_then_the_conclusion_would(world):
    handler = world.users["handler"]
    now = at("2026-03-02 09:30")
    one = world.accepted(at("2026-03-02 09:00"))
    other = world.accepted(at("2026-03-02 09:00"))
    for step in one.steps.order_by("position"):
        services.complete_step(step, by=handler, now=now)
    services.conclude_case(one, decision="approved", text="准予许可。", by=handler, now=now)
    concluded = services.conclude_on_the_spot(other, text="准予许可。", by=handler, now=now)
    assert concluded.state == CaseState.CONCLUDED
    assert _picture(one) == _picture(other)
    assert [e.kind for e in other.events.order_by("seq")][-4:] == [
        "step_completed", "step_started", "step_completed", "concluded",
    ]  # fmt: skip
    assert other.version < one.version  # one write instead of three
    assert rollup.check().ok


def test_on_the_spot_after_some_steps_finishes_the_rest(world):
    handler = world.users["handler"]
    case = world.accepted(at("2026-03-02 09:00"))
    services.complete_step(case.steps.get(position=1), by=handler, now=at("2026-03-03 09:00"))
    case = services.conclude_on_the_spot(
        case, decision="denied", text="不符合条件。", by=handler, now=at("2026-03-04 09:00")
    )
    assert (case.state, case.decision) == (CaseState.CONCLUDED, "denied")
    assert list(case.steps.values_list("state", flat=True)) == ["done", "done"]


def test_a_case_without_steps_is_concluded_on_the_spot_by_its_clerk(world):
    item = world.immediate_item
    case = world.accepted(
        at("2026-03-02 09:00"), item=item, materials=list(item.materials.values_list("pk", flat=True))
    )
    case = services.conclude_on_the_spot(
        case, text="当场办结。", by=world.users["clerk"], now=at("2026-03-02 09:05")
    )
    assert case.state == CaseState.CONCLUDED


@pytest.mark.parametrize(
    ("who", "error"),
    [("other_handler", CaseForbidden), ("clerk", CaseForbidden), ("supervisor", CaseForbidden)],
)
def test_only_the_department_concludes_on_the_spot_and_nothing_is_written_when_refused(world, who, error):
    case = world.accepted(at("2026-03-02 09:00"))
    before = _picture(case)
    with pytest.raises(error):
        services.conclude_on_the_spot(case, text="准予。", by=world.users[who], now=at("2026-03-02 09:05"))
    assert _picture(case) == before


def test_on_the_spot_needs_an_accepted_case_and_a_decision_text(world):
    handler = world.users["handler"]
    case = world.receive(at("2026-03-02 09:00"))
    with pytest.raises(TransitionNotAllowed):
        services.conclude_on_the_spot(case, text="准予。", by=handler, now=at("2026-03-02 09:05"))
    case = services.accept_case(case, by=world.users["clerk"], now=at("2026-03-02 09:01"))
    with pytest.raises(ValidationError) as error:
        services.conclude_on_the_spot(case, text=" ", by=handler, now=at("2026-03-02 09:05"))
    assert "text" in error.value.message_dict
