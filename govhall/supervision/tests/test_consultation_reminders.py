"""Consultations under supervision: the light of an unanswered question, and the department reminded once
per crossing of the answer deadline (the answer reaching the asker: portal/tests/test_consult_answer.py)."""

from __future__ import annotations

import pytest

from govhall.cases import services
from govhall.supervision.lights import annotate_consultations
from govhall.supervision.models import Alert, Notification
from govhall.supervision.sweep import sweep
from govhall.supervision.tests.conftest import at


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
