"""One lock order between a lane action and an item case's own service (PostgreSQL): item cases first,
then the lane case row. A lane withdrawal racing the conclusion of one of its item cases never
deadlocks: one waits for the other, and the second sees what the first did."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection

from govhall.cases import services as case_services
from govhall.cases.errors import TransitionNotAllowed
from govhall.cases.models import Case, StepState
from govhall.lanes import services
from govhall.lanes.models import LaneCase, LaneCaseState, LaneItemCase
from govhall.lanes.services import common
from govhall.lanes.tests.conftest import LaneWorld, at, build_lane


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("first", ["withdrawal", "conclusion"])
def test_a_lane_withdrawal_racing_an_item_conclusion_does_not_deadlock(monkeypatch, first):
    from govhall.cases.tests.factories import make_world

    world = make_world()
    lane, items = build_lane(world)
    lane = services.publish_lane(lane, by=None, now=at("2026-03-02 08:00"))
    lw = LaneWorld(world=world, lane=lane, items=items)
    lane_case = lw.apply(at("2026-03-02 09:00"))
    link = LaneItemCase.objects.filter(lane_case=lane_case).select_related("case").first()
    case = link.case
    handler = lw.handler_for(case)
    while (step := case.steps.filter(state=StepState.ACTIVE).first()) is not None:
        case_services.complete_step(step, by=handler, now=at("2026-03-03 09:00"))

    # Hold each transaction between its locks long enough for the other to take its first lock: with
    # the lane row locked before the item cases (the old order) this deadlocks every time.
    real_lock = common.lock_lane_case

    def slow_lock(*args, **kwargs):
        if threading.current_thread().name == "conclusion":
            time.sleep(0.4)  # the item case is locked; the lane row comes next
        locked = real_lock(*args, **kwargs)
        if threading.current_thread().name == "withdrawal":
            time.sleep(0.4)  # the lane row is locked; item cases would come next in the old order
        return locked

    monkeypatch.setattr(common, "lock_lane_case", slow_lock)
    outcome, errors = {}, []

    def withdraw():
        try:
            services.withdraw_lane(
                lane_case.pk, reason="申请人撤回", by=world.users["clerk"], now=at("2026-03-03 10:00")
            )
            outcome["withdrawal"] = "done"
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    def conclude():
        try:
            case_services.conclude_case(
                Case.objects.get(pk=case.pk),
                decision="approved",
                text="准予",
                by=handler,
                now=at("2026-03-03 10:00"),
            )
            outcome["conclusion"] = "done"
        except TransitionNotAllowed:
            outcome["conclusion"] = "refused"  # the withdrawal came first: the case is withdrawn
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    targets = {"withdrawal": withdraw, "conclusion": conclude}
    other = "conclusion" if first == "withdrawal" else "withdrawal"
    threads = [threading.Thread(target=targets[first], name=first)]
    threads.append(threading.Thread(target=targets[other], name=other))
    threads[0].start()
    time.sleep(0.1)
    threads[1].start()
    for t in threads:
        t.join(30)
    assert errors == [], errors
    assert outcome["withdrawal"] == "done"
    assert LaneCase.objects.get(pk=lane_case.pk).state == LaneCaseState.WITHDRAWN
    case.refresh_from_db()
    if outcome["conclusion"] == "done":
        assert case.state == "concluded"  # decided before the withdrawal: keeps its decision
    else:
        assert case.state == "withdrawn"
