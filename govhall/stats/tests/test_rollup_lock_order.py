"""Roll-up rows are upserted in key order (PostgreSQL): two transactions that add to the same rows lock
them in the same order, so the second waits for the first instead of deadlocking with it."""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import date

import pytest
from django.db import connection, transaction

from govhall.stats import rollup
from govhall.stats.models import DailyFigure, MonthlyFigure

DAY = date(2026, 3, 2)


def _tally(*departments: int) -> rollup.Tally:
    """One receipt for each department, in this order (the order the rows would be written unsorted)."""
    tally = rollup.Tally()
    for department in departments:
        tally.figures[(DAY, department, 1, 10 + department, "window", "committed")] = Counter(received=1)
    return tally


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_transactions_over_the_same_rows_wait_instead_of_deadlocking():
    rollup.apply(_tally(1, 2))  # the rows exist: the upserts below update them
    errors = []
    first_holds = threading.Event()

    def first():
        try:
            with transaction.atomic():
                rollup.apply(_tally(1))  # holds department 1's rows …
                first_holds.set()
                time.sleep(0.5)  # … while the second asks for 2 then 1 (unsorted) or 1 then 2 (sorted)
                rollup.apply(_tally(2))  # unsorted, the second would now hold 2: a deadlock
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    def second():
        first_holds.wait(5)
        try:
            with transaction.atomic():
                rollup.apply(_tally(2, 1))
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == [], errors
    assert sorted(DailyFigure.objects.values_list("department", "received")) == [(1, 3), (2, 3)]
    assert sorted(MonthlyFigure.objects.values_list("department", "received")) == [(1, 3), (2, 3)]
