"""Supervision orders (督办): issued by a supervisor, replied by the department, closed or sent back;
an overdue order escalates once."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from govhall.cases.errors import CaseForbidden, TransitionNotAllowed
from govhall.supervision import services
from govhall.supervision.models import Alert, Notification, OrderEvent
from govhall.supervision.sweep import sweep
from govhall.supervision.tests.conftest import at


@pytest.fixture
def order(world):
    case = world.accepted(at("2026-03-02 09:00"))
    return services.issue_order(
        department=world.department,
        case=case,
        instruction="请于期限内办结并说明超时原因",
        due_date=date(2026, 3, 10),
        by=world.users["supervisor"],
        now=at("2026-03-05 09:00"),
    )


def kinds(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).order_by("pk").values_list("kind", flat=True))


def test_the_department_is_told(world, order):
    assert order.state == "open" and order.due_at == at("2026-03-11 00:00")
    assert kinds(world.users["handler"]) == ["order"] and kinds(world.users["head"]) == ["order"]
    assert kinds(world.users["other_head"]) == []


def test_reply_and_close(world, order):
    order = services.reply_to_order(
        order, reply="已办结", by=world.users["head"], now=at("2026-03-06 09:00"), expected_version=1
    )
    assert order.state == "replied" and kinds(world.users["supervisor"]) == ["order_update"]
    order = services.close_order(
        order, by=world.users["supervisor"], now=at("2026-03-06 10:00"), expected_version=2
    )
    assert order.state == "closed"
    assert list(OrderEvent.objects.filter(order=order).values_list("kind", flat=True)) == [
        "issued",
        "reply",
        "close",
    ]
    with pytest.raises(TransitionNotAllowed):
        services.reply_to_order(order, reply="again", by=world.users["head"], now=at("2026-03-06 11:00"))


def test_sent_back_with_a_new_date(world, order):
    order = services.reply_to_order(order, reply="处理中", by=world.users["head"], now=at("2026-03-06 09:00"))
    order = services.reopen_order(
        order,
        reason="未说明原因",
        due_date=date(2026, 3, 12),
        by=world.users["supervisor"],
        now=at("2026-03-06 10:00"),
    )
    assert (order.state, order.due_date) == ("open", date(2026, 3, 12))


def test_rules_of_issuing(world):
    with pytest.raises(CaseForbidden):
        services.issue_order(
            department=world.department,
            subject="x",
            instruction="y",
            due_date=date(2026, 3, 10),
            by=world.users["head"],
            now=at("2026-03-05 09:00"),
        )
    with pytest.raises(ValidationError) as error:
        services.issue_order(
            department=world.department,
            instruction="",
            due_date=date(2026, 3, 1),
            by=world.users["supervisor"],
            now=at("2026-03-05 09:00"),
        )
    assert set(error.value.message_dict) == {"instruction"}
    with pytest.raises(ValidationError) as error:
        services.issue_order(
            department=world.department,
            subject="12345 工单 20260305-001",
            instruction="核实并答复",
            due_date=date(2026, 3, 1),
            by=world.users["supervisor"],
            now=at("2026-03-05 09:00"),
        )
    assert set(error.value.message_dict) == {"due_date"}


def test_only_the_head_of_the_department_replies(world, order):
    for user in (world.users["other_head"], world.users["handler"]):
        with pytest.raises(CaseForbidden):
            services.reply_to_order(order, reply="x", by=user, now=at("2026-03-06 09:00"))


def test_an_overdue_order_escalates_once(world, order):
    assert sweep(now=at("2026-03-10 23:59")).orders_escalated == 0
    assert sweep(now=at("2026-03-11 00:00")).orders_escalated == 1
    assert sweep(now=at("2026-03-11 09:00")).orders_escalated == 0
    assert kinds(world.users["leader"]) == ["order_overdue"]
    order.refresh_from_db()
    assert order.escalation_level == 1


def test_a_supervisor_escalates_a_step(world):
    case = world.accepted(at("2026-03-02 09:00"))
    step = case.steps.get(state="active")
    alert = services.escalate(
        step=step, note="连续超时", by=world.users["supervisor"], now=at("2026-03-06 09:00")
    )
    assert (alert.level, alert.by) == ("escalated", world.users["supervisor"])
    assert kinds(world.users["leader"]) == ["escalated"] and kinds(world.users["head"]) == ["escalated"]
    assert Alert.objects.count() == 1
