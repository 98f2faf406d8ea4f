"""The read replica's rules, at exact moments: which alias the router names for a read or a write, inside
or outside a replica view and a transaction, and when the health check looks again and what it decides.
The real primary and standby are started in tests/test_replica_cluster.py."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from govhall.catalog.models import Department
from govhall.core import replica
from govhall.core.replica import PRIMARY, REPLICA, Health, ReplicaRouter, reads_from_replica


@pytest.mark.parametrize(
    "in_replica_view, in_transaction, read, write",
    [
        (False, False, PRIMARY, PRIMARY),
        (True, False, REPLICA, PRIMARY),
        (True, True, PRIMARY, PRIMARY),  # a read inside a write goes to the primary
        (False, True, PRIMARY, PRIMARY),
    ],
)
@pytest.mark.django_db(transaction=True)
def test_router(in_replica_view, in_transaction, read, write):
    router = ReplicaRouter()
    token = replica._reading.set(in_replica_view)
    try:
        if in_transaction:
            with transaction.atomic():
                seen = router.db_for_read(Department), router.db_for_write(Department)
        else:
            seen = router.db_for_read(Department), router.db_for_write(Department)
    finally:
        replica._reading.reset(token)
    assert seen == (read, write)


def test_only_the_primary_is_migrated():
    router = ReplicaRouter()
    assert router.allow_migrate(PRIMARY, "cases") and not router.allow_migrate(REPLICA, "cases")


@override_settings(GOVHALL_REPLICA_MAX_LAG=30, GOVHALL_REPLICA_CHECK_SECONDS=5)
@pytest.mark.parametrize(
    "lags, moments, expected, probes",
    [
        # (lag the probe measures at each call, moments of the questions, answers, probe calls)
        ([0.0], [0.0], [True], 1),
        ([30.0], [0.0], [True], 1),  # at the bound: still used
        ([30.5], [0.0], [False], 1),
        ([None], [0.0], [False], 1),  # unreachable or not streaming
        ([0.0, 99.0], [0.0, 4.9], [True, True], 1),  # within the period the answer is kept
        ([0.0, 99.0], [0.0, 5.0], [True, False], 2),  # then looked at again
        ([None, 1.0], [0.0, 5.0], [False, True], 2),  # and back in use
    ],
)
def test_health_checks_once_per_period(lags, moments, expected, probes):
    health = Health()
    calls = []

    def probe():
        calls.append(1)
        return lags[len(calls) - 1]

    answers = [health.usable(now=100.0 + moment, probe=probe) for moment in moments]
    assert answers == expected
    assert len(calls) == probes


@override_settings(GOVHALL_REPLICA_MAX_LAG=30, GOVHALL_REPLICA_CHECK_SECONDS=5)
def test_a_failure_in_use_keeps_off_the_replica_until_the_next_check():
    health = Health()
    assert health.usable(now=0.0, probe=lambda: 0.0)
    health.failed(now=1.0)
    assert not health.usable(now=5.9, probe=lambda: 0.0)
    assert health.usable(now=6.0, probe=lambda: 0.0)


def test_without_a_replica_views_read_from_the_primary_and_say_so(settings):
    assert "replica" not in settings.DATABASES
    seen = []

    @reads_from_replica
    def view(request):
        seen.append(replica._reading.get())
        return HttpResponse("ok")

    response = view(RequestFactory().get("/"))
    assert seen == [False]
    assert response.headers["X-Govhall-Read-From"] == "primary"
