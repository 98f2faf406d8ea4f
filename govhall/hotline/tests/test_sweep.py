"""Reminders of a dispatch's deadlines go out once per crossing, at the exact moments: yellow to the unit,
red to the unit's head and the centre's supervisors; signing for and an extension start them afresh."""

from __future__ import annotations

from datetime import timedelta

import pytest

from govhall.hotline.models import TicketAlert
from govhall.hotline.services import handling
from govhall.hotline.sweep import sweep_tickets
from govhall.hotline.tests.flow import (
    at,
    dispatched,
    fast_passwords,  # noqa: F401
    part,
)
from govhall.supervision.lights import end_of
from govhall.supervision.models import Notification

pytestmark = pytest.mark.django_db
SECOND = timedelta(seconds=1)
NOTHING = {"yellow": 0, "red": 0, "messages": 0}


def recipients(kind: str) -> set[str]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


def road(world):
    """A road complaint: one dispatch to 市城管局 (CGJ) at 09:00, sign for by 11:00 (yellow from 10:00)."""
    ticket = dispatched(world, subject="010101")
    return ticket, part(ticket, "CGJ")


def test_nothing_before_yellow(world):
    _, dispatch = road(world)
    assert dispatch.warn_at == at("2026-12-07 10:00") and dispatch.due_at == at("2026-12-07 11:00")
    assert sweep_tickets(now=at("2026-12-07 10:00") - SECOND) == NOTHING


def test_yellow_at_the_exact_moment_reminds_the_unit_once(world):
    ticket, dispatch = road(world)
    first = sweep_tickets(now=at("2026-12-07 10:00"))
    again = sweep_tickets(now=at("2026-12-07 10:00"))
    assert (first["yellow"], first["red"], again) == (1, 0, NOTHING)
    assert recipients("hotline_yellow") == {"cgj_h", "cgj_head"}
    alert = TicketAlert.objects.get()
    assert (alert.dispatch_id, alert.unit.code, alert.stage, alert.level, alert.threshold_at) == (
        dispatch.pk,
        "CGJ",
        "sign",
        "yellow",
        at("2026-12-07 10:00"),
    )
    message = Notification.objects.get(kind="hotline_yellow", recipient__username="cgj_h")
    assert ticket.number in message.text and message.url == f"/hotline/tickets/{ticket.pk}/"


def test_red_at_the_exact_moment_escalates_to_the_head_and_the_supervisors_once(world):
    road(world)
    sweep_tickets(now=at("2026-12-07 10:00"))
    assert sweep_tickets(now=at("2026-12-07 11:00") - SECOND) == NOTHING
    first = sweep_tickets(now=at("2026-12-07 11:00"))
    again = sweep_tickets(now=at("2026-12-08 09:00"))
    assert (first["red"], again) == (1, NOTHING)
    assert recipients("hotline_red") == {"cgj_head", "sup"}
    assert list(TicketAlert.objects.order_by("at").values_list("level", flat=True)) == ["yellow", "red"]


def test_a_dispatch_found_past_both_thresholds_gets_only_the_red_message(world):
    road(world)
    result = sweep_tickets(now=at("2026-12-07 15:00"))
    assert (result["yellow"], result["red"]) == (0, 1)
    assert not Notification.objects.filter(kind="hotline_yellow").exists()


def test_signing_for_starts_the_handling_reminders_afresh(world):
    _ticket, dispatch = road(world)
    sweep_tickets(now=at("2026-12-07 11:30"))  # red: not signed for in time
    handling.sign_for(dispatch, by=world.CGJ_handler, now=at("2026-12-07 12:00"))
    dispatch.refresh_from_db()
    assert dispatch.alert_level == 0 and dispatch.due_at == end_of(dispatch.handle_due_date)
    assert sweep_tickets(now=dispatch.warn_at - SECOND) == NOTHING
    assert sweep_tickets(now=dispatch.warn_at)["yellow"] == 1
    assert sweep_tickets(now=dispatch.due_at)["red"] == 1
    stages = list(TicketAlert.objects.order_by("at", "id").values_list("stage", "level"))
    assert stages == [("sign", "red"), ("handle", "yellow"), ("handle", "red")]


def test_an_approved_extension_announces_the_new_deadline_again(world):
    _ticket, dispatch = road(world)
    handling.sign_for(dispatch, by=world.CGJ_handler, now=world.now)
    dispatch.refresh_from_db()
    old_due = dispatch.due_at
    sweep_tickets(now=old_due)
    request = handling.request_extension(
        dispatch, workdays=2, reason="需检测", by=world.CGJ_handler, now=old_due - timedelta(days=1)
    )
    handling.decide_extension(request, approve=True, by=world.supervisor, now=old_due)
    dispatch.refresh_from_db()
    assert dispatch.due_at > old_due and dispatch.alert_level == 0
    assert sweep_tickets(now=dispatch.due_at)["red"] == 1
    assert TicketAlert.objects.filter(level="red").count() == 2


def test_finished_and_withdrawn_dispatches_are_not_reminded(world):
    ticket = dispatched(world)
    co = part(ticket, "ZJJ")
    handling.request_return(co, reason_code="R01", rule="三定方案", by=world.ZJJ_handler, now=world.now)
    handling.decide_return(co, accept=True, by=world.supervisor, now=world.now)
    lead = part(ticket, "HBJ")
    handling.sign_for(lead, by=world.HBJ_handler, now=world.now)
    handling.reply_ticket(ticket, reply="已处理", basis="法规", by=world.HBJ_handler, now=world.now)
    assert sweep_tickets(now=world.now + timedelta(days=60)) == NOTHING


def test_the_sweep_works_in_batches(world):
    for _ in range(3):
        road(world)
    result = sweep_tickets(now=at("2026-12-07 10:30"), batch=2)
    assert result["yellow"] == 3 and TicketAlert.objects.count() == 3
