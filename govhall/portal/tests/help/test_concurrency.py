"""Concurrent writers on PostgreSQL, each thread on its own connection: two editors of one field, two
clerks taking one session, two requests for one draft. Exactly one wins; the other is told, nothing lost."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from govhall.cases.errors import StaleVersion, TransitionNotAllowed
from govhall.portal.models import Application, DraftEdit, HelpSession, HelpState
from govhall.portal.services import help as helping
from govhall.portal.tests.help.conftest import LATER, NOW

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(*works) -> list:
    barrier = threading.Barrier(len(works))
    results: list = [None] * len(works)

    def target(i: int) -> None:
        try:
            barrier.wait()
            results[i] = works[i]()
        except Exception as exc:  # the test looks at what each thread met
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(len(works))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_two_editors_of_one_field_at_once_one_wins_the_other_sees_both_values(world):
    session = world.started()
    read = Application.objects.get().stamps.get("phone", 0)

    def write(by, value):
        return lambda: helping.edit_field(
            session.pk, field="phone", value=value, field_version=read, by=by, now=LATER
        )

    results = run_together(write(world.clerk, "13900000001"), write(world.resident, "13900000002"))
    conflicts = [r for r in results if isinstance(r, helping.FieldConflict)]
    edits = [r for r in results if isinstance(r, DraftEdit)]
    assert (len(edits), len(conflicts)) == (1, 1), results
    assert Application.objects.get().data["phone"] == edits[0].new_value == conflicts[0].current
    assert DraftEdit.objects.count() == 1


def test_two_clerks_take_one_session_at_once_one_gets_it(world):
    session = world.asked()
    results = run_together(
        lambda: helping.start_help(session.pk, by=world.clerk, now=LATER, expected_version=None),
        lambda: helping.start_help(session.pk, by=world.colleague, now=LATER, expected_version=None),
    )
    taken = [r for r in results if isinstance(r, HelpSession)]
    refused = [r for r in results if isinstance(r, (TransitionNotAllowed, StaleVersion))]
    assert (len(taken), len(refused)) == (1, 1), results
    assert HelpSession.objects.get().clerk == taken[0].clerk
    assert HelpSession.objects.get().events.filter(move="start").count() == 1


def test_two_requests_for_one_draft_at_once_open_one_session(world):
    app = world.draft()
    results = run_together(
        lambda: helping.request_help(app.pk, by=world.resident, now=NOW),
        lambda: helping.request_help(app.pk, by=world.resident, now=NOW),
    )
    assert sum(isinstance(r, HelpSession) for r in results) == 1, results
    assert sum(isinstance(r, ValidationError) for r in results) == 1, results
    assert HelpSession.objects.filter(state=HelpState.REQUESTED).count() == 1
