"""The threshold rules are kept per process (lights.RULES): read once, again after a change made here at
once, and after a change made elsewhere within GOVHALL_RULES_CHECK_SECONDS."""

from __future__ import annotations

from govhall.supervision import lights
from govhall.supervision.models import ThresholdRule


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_rules_are_read_once_then_kept(db, django_assert_num_queries):
    ThresholdRule.objects.create(warn_days=3)
    lights.current_rules()
    with django_assert_num_queries(0):
        assert lights.current_rules().fallback.warn_days == 3


def test_a_rule_saved_in_this_process_is_used_at_once(db):
    assert lights.current_rules().fallback == lights.default_threshold()
    rule = ThresholdRule.objects.create(warn_days=4)
    assert lights.current_rules().fallback.warn_days == 4
    rule.delete()
    assert lights.current_rules().fallback == lights.default_threshold()


def test_a_change_made_elsewhere_is_seen_within_the_interval(db):
    clock = FakeClock()
    cache = lights.RuleCache(clock=clock, interval=2)
    rule = ThresholdRule.objects.create(warn_days=3)
    assert cache.book().fallback.warn_days == 3
    ThresholdRule.objects.filter(pk=rule.pk).update(warn_days=6)  # no signal: as another process would
    clock.now += 1.9
    assert cache.book().fallback.warn_days == 3
    clock.now += 0.2
    assert cache.book().fallback.warn_days == 6


def test_an_interval_of_zero_reads_every_time(db, settings, django_assert_num_queries):
    settings.GOVHALL_RULES_CHECK_SECONDS = 0
    cache = lights.RuleCache()
    cache.book()
    with django_assert_num_queries(1):
        cache.book()
