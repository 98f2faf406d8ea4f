"""Consultations under supervision: the department is reminded once per crossing of the answer deadline,
and the answer reaches the asker once (inbox for an account, one text message to the phone given)."""

from __future__ import annotations

import pytest

from govhall.cases import services
from govhall.supervision.lights import annotate_consultations
from govhall.supervision.models import Alert, Delivery, Notification
from govhall.supervision.notify import deliver_due
from govhall.supervision.notify.sms import MemoryBackend
from govhall.supervision.sweep import sweep
from govhall.supervision.tests.conftest import at


@pytest.fixture
def texts(settings):
    settings.GOVHALL_SMS_BACKEND = "govhall.supervision.notify.sms.MemoryBackend"
    MemoryBackend.outbox.clear()
    return MemoryBackend.outbox


def ask(world, now, **kwargs):
    kwargs.setdefault("contact", {"phone": "13700001111"})
    return services.record_consultation(
        question="食品经营许可要带哪些材料？", by=None, now=now, channel="online", item=world.item, **kwargs
    )


def inbox(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).order_by("pk").values_list("kind", flat=True))


@pytest.mark.parametrize(
    ("now", "light"),
    [
        ("2026-03-05 23:59", "green"),
        ("2026-03-06 00:00", "yellow"),  # one working day before the due Monday
        ("2026-03-09 23:59", "yellow"),
        ("2026-03-10 00:00", "red"),
    ],
)
def test_an_unanswered_question_turns_yellow_then_red(world, now, light):
    from govhall.cases.models import Consultation

    ask(world, at("2026-03-02 09:00"))  # due Mon 03-09
    assert annotate_consultations(Consultation.objects.all(), at(now)).get().light == light


def test_the_department_is_reminded_once_per_crossing(world):
    ask(world, at("2026-03-02 09:00"))
    assert sweep(now=at("2026-03-05 12:00")).consultation_yellow == 0
    assert sweep(now=at("2026-03-06 09:00")).consultation_yellow == 1
    assert sweep(now=at("2026-03-06 10:00")).crossings == 0
    assert inbox(world.users["handler"]) == ["consultation_yellow"]
    assert inbox(world.users["head"]) == ["consultation_yellow"]
    assert inbox(world.users["other_handler"]) == []
    result = sweep(now=at("2026-03-10 08:00"))
    assert result.consultation_red == 1
    assert inbox(world.users["supervisor"]) == ["consultation_red"]
    assert sweep(now=at("2026-03-11 08:00")).crossings == 0
    assert list(Alert.objects.order_by("pk").values_list("level", flat=True)) == ["yellow", "red"]


def test_an_answered_question_is_not_reminded(world):
    case = ask(world, at("2026-03-02 09:00"))
    services.answer_consultation(
        case, answer="见办事指南", by=world.users["handler"], now=at("2026-03-03 09:00")
    )
    assert sweep(now=at("2026-03-10 08:00")).crossings == 0


def test_the_answer_reaches_a_signed_in_asker_in_the_inbox_and_by_text_once(world, texts):
    applicant = world.users["applicant"]
    case = ask(world, at("2026-03-02 09:00"), asker=applicant, contact={"phone": "13900002222"})
    services.answer_consultation(
        case, answer="请带申请书和营业执照。", by=world.users["handler"], now=at("2026-03-03 09:00")
    )
    assert inbox(applicant) == ["consultation_answered"]
    assert "请带申请书和营业执照。" in Notification.objects.get(recipient=applicant).text
    deliver_due(now=at("2026-03-03 09:01"))
    deliver_due(now=at("2026-03-03 09:05"))
    assert [phone for phone, _text in texts] == ["13900002222"]
    assert case.number in texts[0][1] and case.verification_code in texts[0][1]


def test_the_answer_reaches_an_anonymous_asker_by_text_only(world, texts):
    case = ask(world, at("2026-03-02 09:00"))
    services.answer_consultation(
        case, answer="请带申请书。", by=world.users["handler"], now=at("2026-03-03 09:00")
    )
    assert not Notification.objects.filter(kind="consultation_answered").exists()
    assert Delivery.objects.get().notification is None
    deliver_due(now=at("2026-03-03 09:01"))
    assert [phone for phone, _text in texts] == ["13700001111"]


def test_an_answer_given_on_the_spot_sends_nothing(world, texts):
    services.record_consultation(
        question="几点下班？",
        answer="17:00",
        by=world.users["clerk"],
        now=at("2026-03-02 11:00"),
        contact={"phone": "13700001111"},
        department=world.department,
    )
    assert not Delivery.objects.exists()
