"""The answer reaches the asker once: the portal inbox for a question asked from an account, and one text
message to the phone given; nothing for an answer given on the spot, nothing for a stale answer."""

from __future__ import annotations

import pytest

from govhall.cases import services
from govhall.cases.tests.factories import make_world
from govhall.portal.models import InboxMessage, TextMessage
from govhall.portal.notify import send_due_texts
from govhall.portal.notify_consult import tell_answer
from govhall.portal.tests.conftest import at


@pytest.fixture
def world(db):
    return make_world()


def ask(world, **kwargs):
    kwargs.setdefault("contact", {"phone": "13700001111"})
    return services.record_consultation(
        question="要带哪些材料？",
        by=None,
        now=at("2026-03-02 09:00"),
        channel="online",
        item=world.item,
        **kwargs,
    )


def answer(world, case):
    return services.answer_consultation(
        case, answer="请带申请书和营业执照。", by=world.users["handler"], now=at("2026-03-03 09:00")
    )


def test_a_signed_in_asker_gets_the_answer_in_the_inbox_and_by_text_once(world, sms_outbox):
    applicant = world.users["applicant"]
    case = answer(world, ask(world, asker=applicant, contact={"phone": "13900002222"}))
    assert tell_answer(case.pk, ["consultation_answered"], now=at("2026-03-03 09:00")) == 2
    assert tell_answer(case.pk, ["consultation_answered"], now=at("2026-03-03 09:01")) == 2  # a repeat
    message = InboxMessage.objects.get()
    assert message.recipient == applicant and "请带申请书和营业执照。" in message.text
    assert message.url == f"/portal/consult/{case.pk}/"
    send_due_texts(now=at("2026-03-03 09:02"))
    send_due_texts(now=at("2026-03-03 09:10"))
    assert [phone for phone, _text in sms_outbox] == ["13900002222"]
    assert case.number in sms_outbox[0][1] and case.verification_code in sms_outbox[0][1]


def test_an_anonymous_asker_gets_one_text_and_no_inbox_message(world, sms_outbox):
    case = answer(world, ask(world))
    tell_answer(case.pk, ["consultation_answered"], now=at("2026-03-03 09:00"))
    assert not InboxMessage.objects.exists()
    send_due_texts(now=at("2026-03-03 09:02"))
    assert [phone for phone, _text in sms_outbox] == ["13700001111"]


def test_an_answer_on_the_spot_or_long_ago_sends_nothing(world):
    spot = services.record_consultation(
        question="几点下班？",
        answer="17:00",
        by=world.users["clerk"],
        now=at("2026-03-02 11:00"),
        contact={"phone": "13700001111"},
        department=world.department,
    )
    assert (
        tell_answer(spot.pk, ["consultation_registered", "consultation_answered"], now=at("2026-03-02 11:00"))
        == 0
    )
    case = answer(world, ask(world))
    assert tell_answer(case.pk, ["consultation_answered"], now=at("2026-03-10 09:00")) == 0  # stale
    assert not TextMessage.objects.exists()
