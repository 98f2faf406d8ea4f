"""A threshold rule change restamps the open steps in locked batches (PostgreSQL): a case suspended while
the restamp computes its step's thresholds keeps its step paused (before, the restamp wrote back the
"running" it had read, and the board showed a suspended case's step red or yellow)."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection

from govhall.cases import services
from govhall.cases.models import Case, Step, StepState
from govhall.cases.tests.factories import make_world
from govhall.supervision import lights
from govhall.supervision.models import ThresholdRule
from govhall.supervision.tests.conftest import at


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_case_suspended_during_a_restamp_keeps_its_step_paused(monkeypatch):
    world = make_world()
    case = world.accepted(at("2026-03-02 09:00"))
    step = Step.objects.get(case=case, state=StepState.ACTIVE)
    ThresholdRule.objects.create(department=world.department, warn_days=2)
    real_stamp = lights.stamp_step
    computing = threading.Event()

    def slow_stamp(row, **kwargs):
        fields = real_stamp(row, **kwargs)
        if threading.current_thread().name == "restamp":
            computing.set()
            time.sleep(0.5)  # the suspension below runs now: before, it committed here and was overwritten
        return fields

    monkeypatch.setattr(lights, "stamp_step", slow_stamp)
    errors = []

    def restamp():
        try:
            lights.restamp_open()
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    def suspend():
        computing.wait(5)
        try:
            services.suspend_case(
                Case.objects.get(pk=case.pk),
                kind="inspection",
                expected_days=2,
                reason="现场核查",
                by=world.users["handler"],
                now=at("2026-03-02 10:00"),
            )
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=restamp, name="restamp"), threading.Thread(target=suspend)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == [], errors
    step.refresh_from_db()
    assert Case.objects.get(pk=case.pk).state == "suspended"
    assert step.paused and lights.light_of(step, at("2026-03-02 10:05")) == lights.PAUSED
