"""A flag rule that fails after the case's commit is kept and retried by the sweep until it works: the
card is issued once, never lost."""

from __future__ import annotations

from unittest import mock

from govhall.cases import services
from govhall.supervision import hooks
from govhall.supervision.flag_retry import backoff
from govhall.supervision.models import Card, PendingFlag
from govhall.supervision.sweep import sweep
from govhall.supervision.tests.conftest import at


def test_a_failed_flag_is_kept_and_the_sweep_issues_its_card_once(world, django_capture_on_commit_callbacks):
    case = world.receive(at("2026-03-02 09:00"))
    real = hooks.flag_case_events
    with (
        mock.patch.object(hooks, "flag_case_events", side_effect=RuntimeError("database hiccup")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.reject_case(case, reason="无", by=world.users["clerk"], now=at("2026-03-02 09:10"))
    assert not Card.objects.exists()
    pending = PendingFlag.objects.get()
    assert pending.case_id == case.pk and "rejected" in pending.kinds
    assert pending.last_error == "RuntimeError: database hiccup" and pending.done_at is None
    # not yet due: the first retry waits a minute
    sweep(now=pending.created_at)
    assert not Card.objects.exists()
    # the retry fails again: kept, with the new error and a longer wait
    with mock.patch.object(hooks, "flag_case_events", side_effect=RuntimeError("still down")):
        result = sweep(now=pending.created_at + backoff(1))
    pending.refresh_from_db()
    assert result.extra["flags_failed"] == 1 and pending.attempts == 2 and pending.done_at is None
    assert pending.last_error == "RuntimeError: still down"
    assert pending.next_try == pending.created_at + backoff(1) + backoff(2)
    # now it works: the card is issued, the pending row is done
    assert hooks.flag_case_events is real
    result = sweep(now=pending.next_try)
    assert result.extra["flags_retried"] == 1
    card = Card.objects.get()
    assert card.rule == "rejection_without_reason" and card.case_id == case.pk
    pending.refresh_from_db()
    assert pending.done_at is not None
    sweep(now=pending.next_try + backoff(5))  # nothing more to do, no second card
    assert Card.objects.count() == 1
