"""Cards: issued by rules (case events) and by supervisors, replied, appealed, upheld or revoked; the
record is append-only."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from govhall.cases import services as case_services
from govhall.cases.errors import CaseForbidden, StaleVersion, TransitionNotAllowed
from govhall.supervision import services
from govhall.supervision.hooks import is_empty_reason
from govhall.supervision.models import Card, CardEvent, Notification, RecordIsAppendOnly
from govhall.supervision.tests.conftest import at


def events(card) -> list[tuple[str, str]]:
    return list(CardEvent.objects.filter(card=card).order_by("pk").values_list("kind", "to_state"))


@pytest.fixture
def card(world):
    case = world.accepted(at("2026-03-02 09:00"))
    return services.issue_card(
        kind="yellow",
        department=world.department,
        reason="窗口服务态度差",
        case=case,
        by=world.users["supervisor"],
        now=at("2026-03-03 09:00"),
    )


def test_a_supervisor_issues_a_card_and_the_head_is_told(world, card):
    assert (card.rule, card.state, card.reply_due.isoformat()) == ("manual", "issued", "2026-03-06")
    assert Notification.objects.get(recipient=world.users["head"], kind="card")
    assert events(card) == [("issued", "issued")]


@pytest.mark.parametrize("role", ["handler", "head", "leader", "admin"])
def test_only_supervisors_issue_cards(world, role):
    with pytest.raises(CaseForbidden):
        services.issue_card(
            kind="red",
            department=world.department,
            reason="x",
            by=world.users[role],
            now=at("2026-03-03 09:00"),
        )


def test_reply_then_close(world, card):
    card = services.reply_to_card(
        card,
        cause="人员不足",
        correction="已增派人员",
        by=world.users["head"],
        now=at("2026-03-04 09:00"),
        expected_version=card.version,
    )
    assert card.state == "replied" and card.cause == "人员不足"
    assert Notification.objects.filter(recipient=world.users["supervisor"], kind="card_update").exists()
    card = services.close_card(card, by=world.users["supervisor"], now=at("2026-03-05 09:00"))
    assert events(card) == [("issued", "issued"), ("reply", "replied"), ("close", "closed")]


def test_only_the_head_of_the_department_replies(world, card):
    for user in (world.users["other_head"], world.users["handler"], world.users["supervisor"]):
        with pytest.raises(CaseForbidden):
            services.reply_to_card(card, cause="a", correction="b", by=user, now=at("2026-03-04 09:00"))


def test_a_reply_needs_cause_and_correction(world, card):
    with pytest.raises(ValidationError) as error:
        services.reply_to_card(
            card, cause=" ", correction="", by=world.users["head"], now=at("2026-03-04 09:00")
        )
    assert set(error.value.message_dict) == {"cause"}


def test_appeal_upheld_then_reply(world, card):
    card = services.appeal_card(
        card, reason="系统故障所致", by=world.users["head"], now=at("2026-03-04 09:00")
    )
    with pytest.raises(ValidationError):
        services.decide_appeal(
            card, uphold=True, reason="", by=world.users["supervisor"], now=at("2026-03-04 10:00")
        )
    card = services.decide_appeal(
        card, uphold=True, reason="日志显示系统正常", by=world.users["supervisor"], now=at("2026-03-04 10:00")
    )
    assert card.state == "upheld"
    with pytest.raises(TransitionNotAllowed):
        services.appeal_card(card, reason="again", by=world.users["head"], now=at("2026-03-04 11:00"))
    card = services.reply_to_card(
        card, cause="疏忽", correction="已整改", by=world.users["head"], now=at("2026-03-04 12:00")
    )
    with pytest.raises(ValidationError):  # one appeal per card
        services.appeal_card(card, reason="again", by=world.users["head"], now=at("2026-03-04 13:00"))
    assert [k for k, _ in events(card)] == ["issued", "appeal", "uphold", "reply"]


def test_appeal_revoked(world, card):
    card = services.appeal_card(
        card, reason="非本部门责任", by=world.users["head"], now=at("2026-03-04 09:00")
    )
    card = services.decide_appeal(
        card, uphold=False, reason="属实，撤销", by=world.users["supervisor"], now=at("2026-03-04 10:00")
    )
    assert card.state == "revoked"
    assert Notification.objects.filter(recipient=world.users["head"], kind="card_update").count() == 1


def test_a_stale_version_changes_nothing(world, card):
    with pytest.raises(StaleVersion):
        services.reply_to_card(
            card,
            cause="a",
            correction="b",
            by=world.users["head"],
            now=at("2026-03-04 09:00"),
            expected_version=9,
        )
    card.refresh_from_db()
    assert card.state == "issued" and events(card) == [("issued", "issued")]


def test_the_record_is_append_only(card):
    event = CardEvent.objects.get(card=card)
    with pytest.raises(RecordIsAppendOnly):
        event.save()
    with pytest.raises(RecordIsAppendOnly):
        CardEvent.objects.all().delete()
    with pytest.raises(RecordIsAppendOnly):
        CardEvent.objects.all().update(text="x")


def test_a_late_reply_is_reported_once(world, card):
    from govhall.supervision.sweep import sweep

    assert sweep(now=at("2026-03-06 23:00")).late_card_replies == 0
    assert sweep(now=at("2026-03-09 09:00")).late_card_replies == 1
    assert sweep(now=at("2026-03-09 10:00")).late_card_replies == 0
    assert (
        Notification.objects.filter(recipient=world.users["supervisor"], kind="card_reply_overdue").count()
        == 1
    )


@pytest.mark.parametrize(
    ("reason", "empty"),
    [("无", True), ("  。", True), ("N/A", True), ("", True), ("材料不全，缺营业执照", False)],
)
def test_empty_reasons(reason, empty):
    assert is_empty_reason(reason) is empty


def test_rejection_without_a_reason_is_flagged(world, django_capture_on_commit_callbacks):
    case = world.receive(at("2026-03-02 09:00"))
    with django_capture_on_commit_callbacks(execute=True):
        case_services.reject_case(case, reason="无", by=world.users["clerk"], now=at("2026-03-02 10:00"))
    card = Card.objects.get()
    assert (card.kind, card.rule, card.case_id) == ("flag", "rejection_without_reason", case.pk)


def test_a_rejection_with_a_reason_is_not_flagged(world, django_capture_on_commit_callbacks):
    case = world.receive(at("2026-03-02 09:00"))
    case_services.reject_case(
        case, reason="不属于本部门受理范围", by=world.users["clerk"], now=at("2026-03-02 10:00")
    )
    assert not Card.objects.exists()


def test_deemed_acceptance_is_flagged_once(world, django_capture_on_commit_callbacks):
    case = world.receive(at("2026-03-02 09:00"))
    with django_capture_on_commit_callbacks(execute=True):
        case_services.deem_overdue_receipts(now=at("2026-03-10 09:00"))
    with django_capture_on_commit_callbacks(execute=True):
        case_services.deem_overdue_receipts(now=at("2026-03-10 10:00"))
    card = Card.objects.get()
    assert (card.rule, card.case_id, card.department_id) == (
        "deemed_acceptance",
        case.pk,
        world.department.pk,
    )


def test_an_immediate_case_turned_committed_is_flagged(world, django_capture_on_commit_callbacks):
    case = world.accepted(at("2026-03-02 09:00"), item=world.immediate_item)
    with django_capture_on_commit_callbacks(execute=True):
        case_services.convert_unfinished_immediate(now=at("2026-03-03 00:05"))
    assert Card.objects.get().rule == "immediate_converted"
    assert Card.objects.get().case_id == case.pk
