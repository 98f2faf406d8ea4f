"""Fast-lane reminders: a lane case crossing its yellow or red time is announced once to the lane's lead
department head (red: and the supervisors), claimed by compare-and-swap like the steps, and again after
its due time moved. The test lane (lanes/tests/conftest.py): stage 1 of 8 and stage 2 of 4 working days,
led by the world's department; filed Mon 2026-03-02, lane due Wed 03-18, yellow from Mon 03-16 00:00
(20 % of 12 = 2 working days), red from Thu 03-19 00:00."""

from __future__ import annotations

import threading

import pytest
from django.db import DatabaseError, connection, transaction

from govhall.lanes import services as lane_services
from govhall.lanes.models import LaneCase
from govhall.lanes.tests.conftest import LaneWorld, at, build_lane, lane_world, now  # noqa: F401 (fixtures)
from govhall.supervision.models import LaneAlert, Notification
from govhall.supervision.sweep import sweep


def lane_inbox(user) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user, kind__startswith="lane_")
        .order_by("pk")
        .values_list("kind", flat=True)
    )


def test_a_lane_case_turning_yellow_then_red_reminds_the_lead_department_head_once(lane_world):  # noqa: F811
    lane_case = lane_world.apply(at("2026-03-02 09:00"))
    users = lane_world.users
    assert sweep(now=at("2026-03-15 23:59")).lane_yellow == 0
    result = sweep(now=at("2026-03-16 00:00"))
    assert (result.lane_yellow, result.lane_red) == (1, 0)
    assert sweep(now=at("2026-03-16 09:00")).lane_yellow == 0  # once
    assert lane_inbox(users["head"]) == ["lane_yellow"]
    assert lane_inbox(users["handler"]) == [] and lane_inbox(users["other_head"]) == []
    message = Notification.objects.get(recipient=users["head"], kind="lane_yellow")
    assert lane_case.number in message.text and message.url == f"/lanes/{lane_case.pk}/"
    result = sweep(now=at("2026-03-19 00:00"))
    assert (result.lane_yellow, result.lane_red) == (0, 1)
    assert sweep(now=at("2026-03-20 09:00")).lane_red == 0
    assert lane_inbox(users["head"]) == ["lane_yellow", "lane_red"]
    assert lane_inbox(users["supervisor"]) == ["lane_red"]
    assert list(LaneAlert.objects.order_by("pk").values_list("level", flat=True)) == ["yellow", "red"]


def test_a_paused_lane_is_not_reminded_and_a_moved_due_time_is_announced_again(lane_world):  # noqa: F811
    lane_case = lane_world.apply(at("2026-03-02 09:00"))
    assert sweep(now=at("2026-03-16 09:00")).lane_yellow == 1
    head = lane_world.users["head"]
    lane_case = lane_services.suspend_lane(
        LaneCase.objects.get(pk=lane_case.pk),
        kind="expert_review",
        expected_days=5,
        reason="专家评审",
        by=head,
        now=at("2026-03-16 10:00"),
    )
    assert lane_case.paused and lane_case.alert_level == 0  # the due time moved by the expected days
    paused = sweep(now=at("2026-03-19 09:00"))  # past the first red time, but the lane clock stopped
    assert (paused.lane_yellow, paused.lane_red) == (0, 0)
    lane_case = lane_services.resume_lane(lane_case, by=head, now=at("2026-03-19 10:00"))
    lane_case.refresh_from_db()
    assert not lane_case.paused and lane_case.alert_level == 0
    # 03-17…03-19 paused: lane due Mon 03-23, yellow (20 % of 12 + 3 = 3 working days) from Wed 03-18
    assert (lane_case.warn_at, lane_case.due_at) == (at("2026-03-18 00:00"), at("2026-03-24 00:00"))
    result = sweep(now=at("2026-03-19 10:01"))
    assert (result.lane_yellow, result.lane_red) == (1, 0)
    assert lane_inbox(head) == ["lane_yellow", "lane_yellow"]


def test_lane_alerts_are_append_only_in_the_database(lane_world):  # noqa: F811
    lane_world.apply(at("2026-03-02 09:00"))
    sweep(now=at("2026-03-16 09:00"))
    for sql in ("UPDATE supervision_lanealert SET level = 'red'", "DELETE FROM supervision_lanealert"):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as c,
        ):
            c.execute(sql)
    assert LaneAlert.objects.get().level == "yellow"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_each_lane_reminder_is_sent_exactly_once_with_two_concurrent_sweeps():
    from govhall.cases.tests.factories import make_world

    world = make_world()
    lane, items = build_lane(world)
    lane = lane_services.publish_lane(lane, by=None, now=at("2026-03-02 08:00"))
    lw = LaneWorld(world=world, lane=lane, items=items)
    for _ in range(12):
        lw.apply(at("2026-03-02 09:00"))
    for moment, level in ((at("2026-03-16 09:00"), "yellow"), (at("2026-03-19 09:00"), "red")):
        results = _sweep_in_threads(2, moment)
        assert sum(getattr(r, f"lane_{level}") for r in results) == 12
        assert LaneAlert.objects.filter(level=level).count() == 12
        assert Notification.objects.filter(recipient=world.users["head"], kind=f"lane_{level}").count() == 12


def _sweep_in_threads(n: int, moment) -> list:
    results, errors = [], []
    barrier = threading.Barrier(n)

    def run():
        try:
            barrier.wait()
            results.append(sweep(now=moment, batch=5))
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
