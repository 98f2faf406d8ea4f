"""The change stamp at exact moments: a watch looks at most once per interval, says "changed" only when
the stamp moved since its last look, and a bump rolled back with its transaction moves nothing."""

from __future__ import annotations

import pytest
from django.db import transaction

from govhall.core import stamps


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.django_db
@pytest.mark.parametrize(
    "events, expected",
    [
        # (seconds to advance, bumps before the look) → what each look says
        ([(0, 0), (5, 0)], [False, False]),
        ([(0, 0), (5, 1)], [False, True]),
        ([(0, 0), (1, 1), (0.9, 0), (0.1, 0)], [False, False, False, True]),  # seen at the next look
        ([(0, 1), (2, 0), (2, 2), (2, 0)], [False, False, True, False]),
    ],
)
def test_a_watch_sees_a_bump_at_its_next_look(events, expected):
    clock = Clock()
    watch = stamps.Watch("test", clock=clock, interval=2)
    answers = []
    for advance, bumps in events:
        clock.now += advance
        for _ in range(bumps):
            stamps.bump("test")
        answers.append(watch.changed())
    assert answers == expected


@pytest.mark.django_db
def test_a_bump_rolls_back_with_its_transaction():
    stamps.bump("rolled")
    with pytest.raises(RuntimeError), transaction.atomic():
        stamps.bump("rolled")
        raise RuntimeError("the change failed")
    assert stamps.read("rolled") == 1
