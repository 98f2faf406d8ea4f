"""Reminders of a follow-up's deadline go out once per level; red escalates to the centre's supervisors;
a move that sets a new deadline starts them afresh."""

from __future__ import annotations

import pytest

from govhall.supervision.models import Notification
from govhall.visits.models.followups import FollowUpAlert
from govhall.visits.services import followups as services
from govhall.visits.services.followup_sweep import sweep_follow_ups
from govhall.visits.tests.followups.conftest import at, open_for

pytestmark = pytest.mark.django_db
RATED = "2026-12-04 16:30"  # Friday; call back by Monday 7 December


def recipients(kind: str) -> set[str]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


def test_nothing_before_yellow(world):
    open_for(world, at(RATED))
    assert sweep_follow_ups(now=at("2026-12-06 23:59")) == {"yellow": 0, "red": 0, "messages": 0}


def test_yellow_reminds_the_department_once(world):
    follow_up = open_for(world, at(RATED))
    first = sweep_follow_ups(now=at("2026-12-07 08:00"))
    again = sweep_follow_ups(now=at("2026-12-07 09:00"))
    assert (first["yellow"], again["yellow"]) == (1, 0)
    assert recipients("followup_yellow") == {"handler", "head"}
    alert = FollowUpAlert.objects.get(follow_up=follow_up)
    assert (alert.level, alert.threshold_at, alert.at) == (
        "yellow",
        at("2026-12-07 00:00"),
        at("2026-12-07 08:00"),
    )
    text = Notification.objects.filter(kind="followup_yellow").first().text
    assert f"#{follow_up.pk}" in text and "2026-12-07" in text


def test_red_escalates_to_the_supervisors_once(world):
    follow_up = open_for(world, at(RATED))
    sweep_follow_ups(now=at("2026-12-07 08:00"))
    first = sweep_follow_ups(now=at("2026-12-08 00:00"))
    again = sweep_follow_ups(now=at("2026-12-09 10:00"))
    assert (first["red"], again["red"]) == (1, 0)
    assert recipients("followup_red") == {"handler", "head", "supervisor"}
    assert list(
        FollowUpAlert.objects.filter(follow_up=follow_up).order_by("at").values_list("level", flat=True)
    ) == [
        "yellow",
        "red",
    ]
    assert (
        Notification.objects.filter(kind="followup_red").first().url == f"/visits/follow-ups/{follow_up.pk}/"
    )


def test_a_follow_up_found_past_both_thresholds_gets_only_the_red_message(world):
    open_for(world, at(RATED))
    result = sweep_follow_ups(now=at("2026-12-10 10:00"))
    assert (result["red"], result["yellow"]) == (1, 0)
    assert not Notification.objects.filter(kind="followup_yellow").exists()


def test_the_next_stage_is_reminded_afresh(world):
    follow_up = open_for(world, at(RATED))
    sweep_follow_ups(now=at("2026-12-08 01:00"))  # red: callback overdue
    services.verify(
        follow_up, finding="founded", explanation="x", by=world.users["handler"], now=at("2026-12-08 09:00")
    )
    follow_up.refresh_from_db()
    assert (follow_up.rectify_due.isoformat(), follow_up.alert_level) == ("2026-12-15", 0)
    assert sweep_follow_ups(now=at("2026-12-14 00:00"))["yellow"] == 1
    assert sweep_follow_ups(now=at("2026-12-16 00:00"))["red"] == 1


def test_closed_follow_ups_are_not_reminded(world):
    follow_up = open_for(world, at(RATED))
    services.verify(
        follow_up, finding="unreachable", explanation="三次未接通", by=world.users["handler"], now=at(RATED)
    )
    assert sweep_follow_ups(now=at("2026-12-20 10:00")) == {"yellow": 0, "red": 0, "messages": 0}


def test_the_periodic_task_sweeps(world, tasks_run_at_once):
    from govhall.visits.tasks import sweep_rating_follow_ups

    open_for(world, at("2020-01-02 10:00"))  # long overdue by now
    result = sweep_rating_follow_ups.call_local()
    assert result["red"] == 1


def _sweep_in_threads(n: int, now) -> list[dict]:
    import threading

    from django.db import connection

    results, errors = [], []

    def run() -> None:
        try:
            results.append(sweep_follow_ups(now=now, batch=7))
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
def test_each_reminder_goes_out_exactly_once_with_two_concurrent_sweeps():
    from govhall.cases.tests.factories import make_world

    world = make_world()
    for _ in range(30):
        open_for(world, at(RATED))
    assert sum(r["yellow"] for r in _sweep_in_threads(2, at("2026-12-07 08:00"))) == 30
    assert sum(r["red"] for r in _sweep_in_threads(3, at("2026-12-08 08:00"))) == 30
    assert FollowUpAlert.objects.count() == 60
    assert Notification.objects.filter(recipient=world.users["supervisor"], kind="followup_red").count() == 30
