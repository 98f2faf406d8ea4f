"""The supervision pages: who sees which board, the drill-down, cards, orders, the inbox and its count."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from govhall.supervision import services
from govhall.supervision.models import Card, Notification, Order
from govhall.supervision.tests.conftest import at


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def red(world):
    return world.accepted(at("2026-03-02 09:00"))


def test_the_supervisor_board_counts_lights_by_department_and_hall(world, red):
    page = client_for(world.users["supervisor"]).get("/supervision/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-test="counts-department"' in html and 'data-test="counts-hall"' in html
    assert 'hx-trigger="every 30s"' in html and "board-chart-data" in html
    assert page.context["total"].red == 1


def test_the_counts_fragment_for_htmx(world, red):
    page = client_for(world.users["supervisor"]).get("/supervision/counts/", HTTP_HX_REQUEST="true")
    assert page.status_code == 200 and b"<html" not in page.content


@pytest.mark.parametrize("role", ["handler", "clerk", "operator", "applicant"])
def test_others_have_no_board(world, role):
    assert client_for(world.users[role]).get("/supervision/").status_code == 403


def test_a_department_head_sees_the_own_department(world, red):
    own = client_for(world.users["head"]).get("/supervision/")
    assert own.context["total"].red == 1 and own.context["own_department"] == world.department
    other = client_for(world.users["other_head"]).get(f"/supervision/?department={world.department.pk}")
    assert other.context["total"].red == 0


def test_drill_down_to_the_steps_and_the_case(world, red):
    page = client_for(world.users["supervisor"]).get(
        f"/supervision/steps/?department={world.department.pk}&light=red"
    )
    html = page.content.decode()
    assert red.number in html and f"/cases/{red.pk}/" in html and 'data-light="red"' in html
    assert client_for(world.users["supervisor"]).get("/supervision/steps/?light=green").context["rows"] == []


def test_order_from_the_board_reply_and_close(world, red):
    step = red.steps.get(state="active")
    sup = client_for(world.users["supervisor"])
    assert sup.get(f"/supervision/orders/new/?step={step.pk}").status_code == 200
    due = (timezone.localdate() + timedelta(days=2)).isoformat()
    response = sup.post(
        f"/supervision/orders/new/?step={step.pk}",
        {"department": world.department.pk, "instruction": "今日内办结", "due_date": due},
    )
    order = Order.objects.get()
    assert response.status_code == 302 and order.case == red
    head = client_for(world.users["head"])
    assert (
        head.post(f"/supervision/orders/{order.pk}/reply/", {"reply": "已办结", "version": 1}).status_code
        == 302
    )
    stale = sup.post(f"/supervision/orders/{order.pk}/close/", {"version": 1})
    assert stale.status_code == 200 and b"changed by someone else" in stale.content
    assert sup.post(f"/supervision/orders/{order.pk}/close/", {"version": 2}).status_code == 302
    order.refresh_from_db()
    assert order.state == "closed"


def test_card_reply_form_errors_are_shown(world, red):
    card = services.issue_card(
        kind="yellow",
        department=world.department,
        reason="超时",
        case=red,
        by=world.users["supervisor"],
        now=timezone.now(),
    )
    head = client_for(world.users["head"])
    page = head.get(f"/supervision/cards/{card.pk}/")
    assert b'data-test="action-reply"' in page.content and b'data-test="action-close"' not in page.content
    response = head.post(
        f"/supervision/cards/{card.pk}/reply/", {"cause": "", "correction": "x", "version": 1}
    )
    assert response.status_code == 200 and b'data-error="cause"' in response.content
    assert client_for(world.users["other_head"]).get(f"/supervision/cards/{card.pk}/").status_code == 404
    assert Card.objects.get().state == "issued"


def test_the_header_shows_the_unread_count_and_the_inbox_marks_read(world, red):
    services.issue_card(
        kind="red",
        department=world.department,
        reason="超时",
        case=red,
        by=world.users["supervisor"],
        now=timezone.now(),
    )
    head = client_for(world.users["head"])
    html = head.get("/").content.decode()
    assert re.search(r'data-test="unread-count"[^>]*>1</span>', html)
    assert head.post("/supervision/inbox/", {}).status_code == 302
    assert not Notification.objects.filter(recipient=world.users["head"], read_at__isnull=True).exists()
    assert 'data-test="unread-count"' not in head.get("/").content.decode()


def test_channel_preferences(world):
    handler = world.users["handler"]
    handler.email = "h@example.org"
    handler.save()
    client = client_for(handler)
    assert client.post("/supervision/inbox/preferences/", {"email": "on"}).status_code == 302
    assert handler.notification_preference.email is True
    client.post("/supervision/inbox/preferences/", {"sms": "on"})
    handler.notification_preference.refresh_from_db()
    assert handler.notification_preference.sms is False  # no mobile number: refused with a message
