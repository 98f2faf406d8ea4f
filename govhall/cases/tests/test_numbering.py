"""Case numbers: configurable format, a daily sequence per hall, unique under concurrency."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from govhall.cases import services
from govhall.cases.errors import StaleVersion
from govhall.cases.models import Case
from govhall.cases.numbering import format_number, number_format
from govhall.cases.tests.conftest import at
from govhall.cases.tests.factories import make_world


def test_the_default_format_is_hall_date_and_a_four_digit_daily_sequence(world):
    numbers = [world.receive(at("2026-11-28 09:00")).number for _ in range(2)]
    numbers.append(world.receive(at("2026-11-29 09:00")).number)
    assert numbers == ["QS0001-20261128-0001", "QS0001-20261128-0002", "QS0001-20261129-0001"]


def test_the_format_is_a_setting(settings, world):
    settings.GOVHALL_CASE_NUMBER_FORMAT = "{kind}{channel}{hall}{date:%y%m%d}{seq:05d}"
    assert world.receive(at("2026-11-28 09:00")).number == "CWQS000126112800001"


@pytest.mark.parametrize("bad", ["{hall}-{seq}", "{date:%Y%m%d}-{seq}", "{hall}{date}{seq}{nope}"])
def test_a_format_that_cannot_be_unique_fails_loudly(settings, bad):
    settings.GOVHALL_CASE_NUMBER_FORMAT = bad
    with pytest.raises(ImproperlyConfigured, match="GOVHALL_CASE_NUMBER_FORMAT"):
        number_format()


def test_format_number_placeholders():
    from datetime import date

    assert format_number(
        hall_code="T1", day=date(2026, 1, 4), seq=7, kind="consultation", channel="agency"
    ) == ("T1-20260104-0007")


def _run_in_threads(n: int, target) -> list:
    results: list = []
    errors: list = []
    barrier = threading.Barrier(n)

    def run(i: int) -> None:
        try:
            barrier.wait()
            results.append(target(i))
        except Exception as exc:  # collected and asserted by the caller
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_numbers_stay_unique_when_many_clerks_receive_at_once():
    world = make_world()
    results, errors = _run_in_threads(12, lambda i: world.receive(at("2026-11-28 09:00")).number)
    assert errors == []
    assert sorted(results) == [f"QS0001-20261128-{i:04d}" for i in range(1, 13)]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_accepts_one_wins_the_other_gets_stale_version():
    world = make_world()
    case = world.receive(at("2026-03-02 09:00"))
    seen = case.version

    def accept(i: int):
        return services.accept_case(
            Case.objects.get(pk=case.pk),
            by=world.users["clerk"],
            now=at("2026-03-02 09:05"),
            expected_version=seen,
        ).version

    results, errors = _run_in_threads(2, accept)
    assert results == [seen + 1]
    assert [type(e) for e in errors] == [StaleVersion]
    case.refresh_from_db()
    assert case.state == "accepted" and case.steps.filter(state="active").count() == 1
    assert case.events.filter(kind="accepted").count() == 1
