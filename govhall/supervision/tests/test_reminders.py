"""Reminders: each threshold crossing is announced exactly once, to the right people, and again after an
extension moves the thresholds and they are crossed again."""

from __future__ import annotations

import threading

import pytest
from django.core.management import call_command
from django.db import connection

from govhall.cases import services
from govhall.cases.models import Case, Step
from govhall.cases.tests.factories import make_world
from govhall.supervision.models import Alert, Card, CardEvent, Notification
from govhall.supervision.sweep import sweep
from govhall.supervision.tests.conftest import at


def inbox(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).order_by("pk").values_list("kind", flat=True))


def test_yellow_reminds_the_handler_once(world):
    world.accepted(at("2026-03-02 09:00"))  # step due Wed 03-04, yellow from Tue 03-03
    assert sweep(now=at("2026-03-02 18:00")).crossings == 0
    result = sweep(now=at("2026-03-03 00:01"))
    assert (result.step_yellow, result.step_red) == (1, 0)
    assert inbox(world.users["handler"]) == ["step_yellow"]
    assert inbox(world.users["head"]) == []
    assert sweep(now=at("2026-03-03 09:00")).crossings == 0
    assert inbox(world.users["handler"]) == ["step_yellow"]


def test_red_tells_handler_head_and_supervisors_and_issues_a_yellow_card(world):
    case = world.accepted(at("2026-03-02 09:00"))
    sweep(now=at("2026-03-03 09:00"))
    result = sweep(now=at("2026-03-05 00:00"))
    assert result.step_red == 1 and result.cards == 1
    assert inbox(world.users["handler"]) == ["step_yellow", "step_red"]
    assert inbox(world.users["head"]) == ["step_red", "card"]
    assert inbox(world.users["supervisor"]) == ["step_red"]
    assert inbox(world.users["other_handler"]) == []
    card = Card.objects.get()
    assert (card.kind, card.rule, card.case_id, card.department_id) == (
        "yellow",
        "step_overdue",
        case.pk,
        world.department.pk,
    )
    assert card.reply_due.isoformat() == "2026-03-10"  # 3 working days
    assert list(CardEvent.objects.values_list("kind", flat=True)) == ["issued"]
    again = sweep(now=at("2026-03-06 09:00"))
    assert (again.step_yellow, again.step_red, again.cards) == (0, 0, 0)
    assert again.case_yellow == 1  # the case itself is due Mon 03-09


def test_a_row_past_both_thresholds_gets_the_red_reminder_only(world):
    world.accepted(at("2026-03-02 09:00"))
    result = sweep(now=at("2026-03-10 09:00"))  # step due 03-04, case promised by 03-09
    assert (result.step_yellow, result.step_red, result.case_yellow, result.case_red) == (0, 1, 0, 1)
    assert inbox(world.users["handler"]) == ["step_red", "case_red"]


def test_an_extension_after_red_starts_the_reminders_again(world):
    case = world.accepted(at("2026-03-02 09:00"))
    sweep(now=at("2026-03-05 09:00"))
    assert Alert.objects.filter(level="red").count() == 1
    request = services.request_extension(
        case, days=3, reason="现场核查", by=world.users["handler"], now=at("2026-03-05 10:00")
    )
    services.decide_extension(
        request, approve=True, reason="同意", by=world.users["head"], now=at("2026-03-05 11:00")
    )
    # due Mon 03-09 now: green on Thursday, yellow from Fri 03-06, red from Tue 03-10
    assert sweep(now=at("2026-03-05 12:00")).crossings == 0
    assert sweep(now=at("2026-03-06 08:00")).step_yellow == 1
    assert sweep(now=at("2026-03-10 08:00")).step_red == 1
    assert list(
        Alert.objects.filter(step__isnull=False).order_by("pk").values_list("level", "threshold_at")
    ) == [
        ("red", at("2026-03-05 00:00")),
        ("yellow", at("2026-03-06 00:00")),
        ("red", at("2026-03-10 00:00")),
    ]
    assert Card.objects.filter(rule="step_overdue").count() == 2


def test_a_paused_step_is_not_reminded(world):
    case = world.accepted(at("2026-03-02 09:00"))
    services.suspend_case(
        case,
        kind="hearing",
        expected_days=10,
        reason="听证",
        by=world.users["handler"],
        now=at("2026-03-02 10:00"),
    )
    assert sweep(now=at("2026-03-20 09:00")).crossings == 0


def test_repeated_yellow_cards_on_a_case_make_a_red_card(world):
    case = world.accepted(at("2026-03-02 09:00"))
    sweep(now=at("2026-03-05 09:00"))  # step 1 overdue: yellow card
    services.complete_step(
        Step.objects.get(case=case, position=1), by=world.users["handler"], now=at("2026-03-05 10:00")
    )
    result = sweep(now=at("2026-03-11 09:00"))  # step 2 (3 days from 03-05: due 03-10) overdue, and the case
    kinds = sorted(Card.objects.values_list("rule", flat=True))
    assert kinds == ["case_overdue", "repeated_yellow", "step_overdue", "step_overdue"]
    assert result.cards == 3
    assert Card.objects.get(rule="repeated_yellow").kind == "red"


def test_supervise_command_runs_one_sweep_at_the_given_moment(world, capsys):
    world.accepted(at("2026-03-02 09:00"))
    call_command("supervise", "--once", "--now", "2026-03-03T08:00:00+08:00")
    out = capsys.readouterr().out
    assert "steps 1 yellow, 0 red" in out
    assert Alert.objects.count() == 1


def _sweep_in_threads(n: int, now) -> list:
    results, errors = [], []
    barrier = threading.Barrier(n)

    def run():
        try:
            barrier.wait()
            results.append(sweep(now=now, batch=7))
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_each_reminder_is_sent_exactly_once_with_two_concurrent_sweeps():
    world = make_world()
    cases = [world.accepted(at("2026-03-02 09:00")) for _ in range(40)]
    results = _sweep_in_threads(2, at("2026-03-03 09:00"))
    assert sum(r.step_yellow for r in results) == 40
    assert Alert.objects.filter(level="yellow").count() == 40
    assert Notification.objects.filter(recipient=world.users["handler"], kind="step_yellow").count() == 40
    results = _sweep_in_threads(2, at("2026-03-05 09:00"))
    assert sum(r.step_red for r in results) == 40
    assert Card.objects.filter(rule="step_overdue").count() == 40
    assert Notification.objects.filter(recipient=world.users["supervisor"], kind="step_red").count() == 40
    assert len({c.pk for c in cases}) == 40
    assert not Case.objects.filter(alert_level=2).exists()  # cases are due 03-09: not yet red
