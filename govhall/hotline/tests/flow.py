"""Helpers of the handling tests: a ticket brought to a given point through the real services.

The noise complaint (subject 020101, area A01) goes to 市生态环境局 (HBJ, lead) and 市住建局 (ZJJ, co-unit);
a 15-working-day complaint dispatched on Monday 2026-12-07 09:00 is due on 2026-12-28."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from govhall.hotline.models import Dispatch, Ticket
from govhall.hotline.services import handling
from govhall.hotline.services.intake import dispatch_ticket, register_ticket


def at(text: str) -> datetime:
    """An aware datetime in the centre's time zone from 'YYYY-MM-DD HH:MM'."""
    return datetime.fromisoformat(f"{text}:00+08:00")


def call(world, **overrides) -> Ticket:
    values = {
        "channel": "phone",
        "request_type": "complaint",
        "subject": "020101",
        "title": "夜间施工噪声",
        "content": "工地每晚十一点后还在打桩。",
        "caller_name": "张三丰",
        "caller_phone": "13812341234",
        "area": "A01",
        "by": world.operator,
        "now": world.now,
    }
    return register_ticket(**(values | overrides))


def dispatched(world, **overrides) -> Ticket:
    return dispatch_ticket(call(world, **overrides), by=world.operator, now=world.now)


def part(ticket: Ticket, unit: str) -> Dispatch:
    """The ticket's open (or latest) dispatch to `unit` in its current round, fresh from the database."""
    ticket.refresh_from_db()
    return Dispatch.objects.filter(ticket=ticket, unit__code=unit, round=ticket.round).order_by("-id").first()


def signed(world, *, units=("HBJ", "ZJJ"), later=timedelta(minutes=30), **overrides) -> Ticket:
    ticket = dispatched(world, **overrides)
    for code in units:
        handling.sign_for(part(ticket, code), by=getattr(world, f"{code}_handler"), now=world.now + later)
    ticket.refresh_from_db()
    return ticket


def replied(world, *, when=None, **overrides) -> Ticket:
    ticket = signed(world, **overrides)
    when = when or world.now + timedelta(days=1)
    if part(ticket, "ZJJ") is not None:
        handling.contribute(part(ticket, "ZJJ"), text="已责令工地夜间停工。", by=world.ZJJ_handler, now=when)
    return handling.reply_ticket(
        ticket,
        reply="经查属实，已责令停工。",
        basis="《噪声污染防治法》第四十三条",
        by=world.HBJ_handler,
        now=when,
    )


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """The world fixture makes a dozen users; the default hasher (PBKDF2, a million rounds) made their
    set-up most of each test's time. Autouse, so it applies before `world` hashes anything."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
